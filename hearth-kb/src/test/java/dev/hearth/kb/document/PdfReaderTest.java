package dev.hearth.kb.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfReaderTest {

    @TempDir
    Path dir;

    /** A PDF with one page per entry, each page's lines written top-down. */
    private static PDDocument pdf(List<List<String>> pages) throws IOException {
        PDDocument doc = new PDDocument();
        PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        for (List<String> lines : pages) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.beginText();
                content.setFont(font, 12);
                content.newLineAtOffset(72, 700);
                for (String line : lines) {
                    content.showText(line);
                    content.newLineAtOffset(0, -14);
                }
                content.endText();
            }
        }
        return doc;
    }

    private Path save(PDDocument doc, String name) throws IOException {
        Path file = dir.resolve(name);
        try (doc) {
            doc.save(file.toFile());
        }
        return file;
    }

    @Test
    void keepsThePageNumberOfEveryParagraph() throws Exception {
        PDDocument doc = pdf(List.of(List.of("The first page says hello.", "It wraps onto a second line."),
                List.of("Page two has its own text."), List.of("Page three closes the report.")));
        doc.getDocumentInformation().setTitle("Quarterly report");
        Path file = save(doc, "report.pdf");

        ParsedDocument parsed = DocumentReaders.standard().read(file);

        assertThat(parsed.format()).isEqualTo(Format.PDF);
        assertThat(parsed.title()).contains("Quarterly report");
        assertThat(parsed.blocks()).extracting(Block::page).containsExactly(1, 2, 3);
        assertThat(parsed.blocks().stream().map(parsed::textOf)).containsExactly(
                "The first page says hello. It wraps onto a second line.", "Page two has its own text.",
                "Page three closes the report.");
    }

    @Test
    void refusesAPdfThatNeedsAPassword() throws Exception {
        PDDocument doc = pdf(List.of(List.of("Secret text.")));
        StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-pw", "user-pw", new AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
        Path file = save(doc, "secret.pdf");

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("secret.pdf").hasMessageContaining("encrypted");
    }

    @Test
    void readsAPdfEncryptedOnlyWithAnOwnerPassword() throws Exception {
        PDDocument doc = pdf(List.of(List.of("Readable by anyone.")));
        StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-pw", "", new AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
        Path file = save(doc, "restricted.pdf");

        ParsedDocument parsed = DocumentReaders.standard().read(file);

        assertThat(parsed.text()).isEqualTo("Readable by anyone.");
    }

    @Test
    void refusesAPdfWithoutTextAsProbablyScanned() throws Exception {
        PDDocument doc = new PDDocument();
        doc.addPage(new PDPage());
        doc.addPage(new PDPage());
        Path file = save(doc, "scan.pdf");

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("no extractable text (scanned?");
    }

    @Test
    void refusesAFileThatIsNotAPdf() throws Exception {
        Path file = Files.writeString(dir.resolve("fake.pdf"), "just some text");

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).hasMessageContaining("not a PDF");
    }

    @Test
    void refusesATruncatedPdf() throws Exception {
        Path whole = save(pdf(List.of(List.of("Some text."))), "whole.pdf");
        byte[] bytes = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.pdf"), java.util.Arrays.copyOf(bytes, 40));

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("cut.pdf");
    }
}
