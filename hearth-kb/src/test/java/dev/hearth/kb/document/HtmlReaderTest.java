package dev.hearth.kb.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReaderTest {

    @TempDir
    Path dir;

    @Test
    void keepsHeadingsParagraphsListItemsAndTableRowsAndDropsScripts() throws Exception {
        String html = """
                <!DOCTYPE html>
                <html><head><title>退货政策</title><style>p { color: red }</style></head>
                <body>
                  <nav><a href="/">Home</a></nav>
                  <h1>Returns</h1>
                  <p>Items can be returned
                     within <b>30 days</b>.<br>Keep the receipt.</p>
                  <script>alert("no")</script>
                  <h2>Exceptions</h2>
                  <ul><li>Food</li><li>Gift cards</li></ul>
                  <div>Loose text in a div</div>
                  <table>
                    <tr><th>Item</th><th>Days</th></tr>
                    <tr><td>Shoes</td><td>30</td></tr>
                    <tr><td>Phones</td><td>14</td></tr>
                  </table>
                  <pre>line one
                  line two</pre>
                </body></html>
                """;
        Path file = Files.writeString(dir.resolve("returns.html"), html);

        ParsedDocument doc = DocumentReaders.standard().read(file);

        assertThat(doc.title()).contains("退货政策");
        assertThat(doc.charset()).contains(StandardCharsets.UTF_8);
        assertThat(doc.blocks().stream().map(doc::textOf)).containsExactly("Returns",
                "Items can be returned within 30 days.\nKeep the receipt.", "Exceptions", "Food", "Gift cards",
                "Loose text in a div", "Item: Shoes; Days: 30", "Item: Phones; Days: 14", "line one\n  line two");
        assertThat(doc.blocks()).extracting(b -> b.getClass().getSimpleName()).containsExactly("Heading",
                "Paragraph", "Heading", "Paragraph", "Paragraph", "Paragraph", "Row", "Row", "Paragraph");
        assertThat(doc.text()).doesNotContain("alert").doesNotContain("color").doesNotContain("Home");
    }

    @Test
    void rowsOfATableWithoutHeaderCellsAreJoinedWithBars() throws Exception {
        Path file = Files.writeString(dir.resolve("t.htm"),
                "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td></td></tr></table>");

        ParsedDocument doc = DocumentReaders.standard().read(file);

        assertThat(doc.blocks().stream().map(doc::textOf)).containsExactly("a | b", "c");
        assertThat(doc.title()).isEmpty();
    }
}
