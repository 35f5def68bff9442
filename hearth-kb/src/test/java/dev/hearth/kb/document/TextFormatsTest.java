package dev.hearth.kb.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain text, Markdown and CSV: the formats that are bytes of text. */
class TextFormatsTest {

    @TempDir
    Path dir;

    private final DocumentReaders readers = DocumentReaders.standard();

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> blockTexts(ParsedDocument doc) {
        return doc.blocks().stream().map(doc::textOf).toList();
    }

    @Test
    void readsUtf8TextAsParagraphsSeparatedByBlankLines() throws Exception {
        ParsedDocument doc = readers.read(write("notes.txt", "第一段。\n第二行。\n\n\nThis line is\nwrapped here.\n"));

        assertThat(doc.format()).isEqualTo(Format.TXT);
        assertThat(doc.charset()).contains(StandardCharsets.UTF_8);
        assertThat(blockTexts(doc)).containsExactly("第一段。\n第二行。", "This line is wrapped here.");
        assertThat(doc.blocks()).allSatisfy(b -> assertThat(b).isInstanceOf(Block.Paragraph.class));
        assertThat(doc.blocks()).allSatisfy(b -> assertThat(b.page()).isZero());
    }

    @Test
    void dropsAUtf8ByteOrderMark() throws Exception {
        byte[] text = "﻿你好".getBytes(StandardCharsets.UTF_8);
        assertThat(text[0]).isEqualTo((byte) 0xEF);

        ParsedDocument doc = readers.read(write("bom.txt", text));

        assertThat(doc.text()).isEqualTo("你好");
    }

    @Test
    void readsGb18030ChineseAndSaysSo() throws Exception {
        String chinese = "知识库测试：今天天气很好。\n\n第二段落，包含“引号”。";
        ParsedDocument doc = readers.read(write("gbk.txt", chinese.getBytes(TextDecoding.GB18030)));

        assertThat(doc.charset()).contains(TextDecoding.GB18030);
        assertThat(blockTexts(doc)).containsExactly("知识库测试：今天天气很好。", "第二段落，包含“引号”。");
    }

    @Test
    void refusesBinaryContentInATextFile() throws Exception {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Path file = write("image.txt", binary);

        assertThatThrownBy(() -> readers.read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("image.txt").hasMessageContaining("binary");
    }

    @Test
    void refusesTextThatIsNeitherUtf8NorGb18030() throws Exception {
        Path file = write("latin.txt", new byte[] {'a', (byte) 0xFF, (byte) 0x80, 'b'});

        assertThatThrownBy(() -> readers.read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("neither valid UTF-8 nor GB18030");
    }

    @Test
    void readsMarkdownHeadingsCodeListsAndTables() throws Exception {
        String md = """
                ---
                author: someone
                ---
                # 用户手册

                Intro with **bold**, *italic*, `code` and a [link](http://example.com).
                It continues on a second line.

                ## Install
                ```bash
                # not a heading
                mvn install
                ```
                - first item
                - second item

                | Name | Size |
                |------|-----:|
                | a.txt | 10 |

                Setext heading
                --------------
                > quoted text
                """;
        ParsedDocument doc = readers.read(write("manual.md", md));

        assertThat(doc.title()).contains("用户手册");
        assertThat(blockTexts(doc)).containsExactly("用户手册",
                "Intro with bold, italic, code and a link. It continues on a second line.", "Install",
                "# not a heading\nmvn install", "first item", "second item", "Name: a.txt; Size: 10",
                "Setext heading", "quoted text");
        assertThat(doc.blocks()).extracting(b -> b.getClass().getSimpleName()).containsExactly("Heading",
                "Paragraph", "Heading", "Paragraph", "Paragraph", "Paragraph", "Row", "Heading", "Paragraph");
        assertThat(doc.blocks().get(2)).isEqualTo(new Block.Heading(2, doc.blocks().get(2).start(),
                doc.blocks().get(2).end(), 0));
        assertThat(((Block.Heading) doc.blocks().get(7)).level()).isEqualTo(2);
    }

    @Test
    void readsCsvRecordsWithTheirHeaderAndQuotedCommasAndNewlines() throws Exception {
        String csv = "name,comment,amount\r\n"
                + "\"Smith, John\",\"said \"\"hi\"\"\nthen left\",10\r\n"
                + "\r\n"
                + "李雷,好,\r\n"
                + "x,y,z,extra";
        ParsedDocument doc = readers.read(write("people.csv", csv));

        assertThat(blockTexts(doc)).containsExactly("name: Smith, John; comment: said \"hi\" then left; amount: 10",
                "name: 李雷; comment: 好", "name: x; comment: y; amount: z; column 4: extra");
        assertThat(doc.blocks()).allSatisfy(b -> assertThat(b).isInstanceOf(Block.Row.class));
        assertThat(doc.text()).isEqualTo(String.join("\n", blockTexts(doc)));
    }

    @Test
    void readsSemicolonCsvInGb18030() throws Exception {
        byte[] csv = "城市;人口\n北京;2189万\n上海;2487万\n".getBytes(TextDecoding.GB18030);

        ParsedDocument doc = readers.read(write("cities.csv", csv));

        assertThat(doc.charset()).contains(TextDecoding.GB18030);
        assertThat(blockTexts(doc)).containsExactly("城市: 北京; 人口: 2189万", "城市: 上海; 人口: 2487万");
    }

    @Test
    void refusesCsvWithAnUnclosedQuote() throws Exception {
        Path file = write("broken.csv", "a,b\n1,\"never closed\n2,3\n");

        assertThatThrownBy(() -> readers.read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("broken.csv").hasMessageContaining("opened on line 2 is never closed");
    }

    @Test
    void refusesCsvWithOnlyAHeader() throws Exception {
        Path file = write("header.csv", "a,b,c\n");

        assertThatThrownBy(() -> readers.read(file)).hasMessageContaining("no records below the header row");
    }
}
