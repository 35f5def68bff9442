package dev.hearth.kb.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failures every format shares, each a DocumentException that names the file. */
class DocumentReadersTest {

    @TempDir
    Path dir;

    private final DocumentReaders readers = DocumentReaders.standard();

    @Test
    void refusesAnUnsupportedExtensionListingTheSupportedOnes() throws Exception {
        Path file = Files.writeString(dir.resolve("data.XYZ"), "text");

        assertThatThrownBy(() -> readers.read(file)).isInstanceOf(DocumentException.class)
                .hasMessage(file + ": unsupported format .xyz (supported: .txt, .text, .md, .markdown, .html, .htm,"
                        + " .pdf, .docx, .csv, .xlsx)");
    }

    @Test
    void refusesAFileWithoutExtension() throws Exception {
        Path file = Files.writeString(dir.resolve("README"), "text");

        assertThatThrownBy(() -> readers.read(file)).hasMessageContaining("no file extension");
    }

    @Test
    void refusesEmptyMissingAndDirectoryPaths() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path blank = Files.writeString(dir.resolve("blank.md"), " \n\n\t\n");
        Path folder = Files.createDirectory(dir.resolve("folder.txt"));

        assertThatThrownBy(() -> readers.read(empty)).isInstanceOf(DocumentException.class)
                .hasMessage(empty + ": empty file");
        assertThatThrownBy(() -> readers.read(blank)).hasMessageContaining("no text");
        assertThatThrownBy(() -> readers.read(dir.resolve("gone.pdf"))).hasMessageContaining("no such file");
        assertThatThrownBy(() -> readers.read(folder)).hasMessageContaining("is a directory");
    }

    @Test
    void refusesAFileOverTheSizeLimitBeforeReadingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("big.txt"), "x".repeat(2000));

        assertThatThrownBy(() -> DocumentReaders.withMaxBytes(1000).read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("2000 bytes, over the limit of 1000 bytes");
        assertThat(DocumentReaders.withMaxBytes(2000).read(file).text()).hasSize(2000);
        assertThatThrownBy(() -> DocumentReaders.withMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesExtractedTextThatOutgrowsTheLimit() throws Exception {
        // every record repeats the long header, so the text is far longer than the file
        String csv = "a_rather_long_column_name,another_long_column_name\n" + "1,2\n".repeat(200);
        Path file = Files.writeString(dir.resolve("wide.csv"), csv);

        assertThatThrownBy(() -> DocumentReaders.withMaxBytes(csv.length() + 10).read(file))
                .isInstanceOf(DocumentException.class).hasMessageContaining("characters of text");
    }

    @Test
    void oneBadFileDoesNotStopABatch() throws Exception {
        List<Path> files = List.of(Files.writeString(dir.resolve("a.txt"), "First."),
                Files.write(dir.resolve("b.pdf"), new byte[] {'%', 'P', 'D', 'F', '-', 0, 1, 2}),
                Files.writeString(dir.resolve("c.md"), "# Third"));
        List<String> read = new ArrayList<>();
        List<String> failed = new ArrayList<>();

        for (Path file : files) {
            try {
                read.add(readers.read(file).text());
            } catch (DocumentException e) {
                failed.add(e.file().getFileName() + ": " + e.reason());
            }
        }

        assertThat(read).containsExactly("First.", "Third");
        assertThat(failed).singleElement().asString().startsWith("b.pdf: cannot read as PDF");
    }
}
