package dev.hearth.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    private static final int BLOCK = 1 << 20;

    @TempDir
    Path dir;

    private static List<String> read(Path file) throws IOException {
        List<String> texts = new ArrayList<>();
        Corpus.read(file, texts::add);
        return texts;
    }

    private static Map<String, Long> counts(WordCounts counts) {
        Map<String, Long> map = new HashMap<>();
        counts.forEach(map::put);
        return map;
    }

    @Test
    void takesFoldersWholeAndNamedFilesWhateverTheirType() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("books/sub"));
        Files.writeString(dir.resolve("books/b.txt"), "b");
        Files.writeString(dir.resolve("books/a.md"), "a");
        Files.writeString(dir.resolve("books/sub/c.jsonl"), "{\"text\": \"c\"}");
        Files.writeString(dir.resolve("books/sub/skipped.pdf"), "not text");
        Path named = Files.writeString(dir.resolve("notes.log"), "log");

        Corpus corpus = Corpus.of(List.of(dir.resolve("books"), named, folder.resolve("c.jsonl")));
        assertThat(corpus.files()).containsExactly(dir.resolve("books/a.md"), dir.resolve("books/b.txt"),
                dir.resolve("books/sub/c.jsonl"), named);
    }

    @Test
    void refusesMissingInputsAndFoldersWithoutText() throws IOException {
        assertThatThrownBy(() -> Corpus.of(List.of(dir.resolve("nowhere.txt"))))
                .isInstanceOf(NoSuchFileException.class).hasMessage(dir.resolve("nowhere.txt").toString());
        Path pictures = Files.createDirectory(dir.resolve("pictures"));
        Files.write(pictures.resolve("cat.png"), new byte[] {1, 2});
        assertThatThrownBy(() -> Corpus.of(List.of(pictures)))
                .hasMessage(pictures + ": a folder without .txt, .md, .jsonl files to train on");
    }

    @Test
    void readsTheTextOfEachJsonLine() throws IOException {
        Path file = Files.writeString(dir.resolve("docs.jsonl"),
                "{\"text\": \"first\\nline\", \"id\": 1}\r\n\n  \n{\"text\": \"\\u4f60\\u597d 🦙\"}\n{\"text\": \"last\"}");
        assertThat(read(file)).containsExactly("first\nline", "你好 🦙", "last");
    }

    @Test
    void aMalformedJsonLineIsAnErrorNamingTheFileAndLine() throws IOException {
        Map<String, String> expected = Map.of(
                "{\"text\": \"ok\"}\n{\"text\": \"unfinished}\n", "line 2: not JSON (Unexpected end-of-input",
                "{\"text\": \"ok\"}\n\n{\"title\": \"no text\"}\n", "line 3: expected a JSON object with a string field"
                        + " \"text\", found an object without it",
                "[\"text\"]\n", "line 1: expected a JSON object with a string field \"text\", found a JSON array",
                "{\"text\": 42}\n", "line 1: expected a JSON object with a string field \"text\", found an object whose"
                        + " \"text\" is a number",
                "{\"text\": \"a\"} {\"text\": \"b\"}\n", "line 1: not JSON (Trailing token");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = Files.writeString(dir.resolve("bad.jsonl"), e.getKey());
            assertThatThrownBy(() -> read(file)).as(e.getKey()).isInstanceOf(IOException.class)
                    .hasMessageStartingWith(file + ": " + e.getValue());
        }
    }

    @Test
    void invalidUtf8IsAnErrorNamingTheFileAndByteOffset() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.write(file, bytes("hello ".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF}, "world".getBytes()));
        assertThatThrownBy(() -> read(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": not UTF-8 at byte 6 (expected UTF-8 text)");

        // past the first block, and a sequence that stops at the end of the file
        byte[] ascii = "word\n".repeat(BLOCK / 5 + 1000).getBytes(StandardCharsets.US_ASCII);
        Files.write(file, bytes(ascii, new byte[] {(byte) 0xC3, 0x28}));
        assertThatThrownBy(() -> read(file)).hasMessage(file + ": not UTF-8 at byte " + ascii.length
                + " (expected UTF-8 text)");
        Files.write(file, bytes(ascii, "中".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xE4, (byte) 0xB8}));
        assertThatThrownBy(() -> read(file)).hasMessage(file + ": not UTF-8 at byte " + (ascii.length + 3)
                + " (expected UTF-8 text)");
        // a lone surrogate, encoded as UTF-8 would not allow
        Files.write(file, bytes("ok".getBytes(), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertThatThrownBy(() -> read(file)).hasMessage(file + ": not UTF-8 at byte 2 (expected UTF-8 text)");
    }

    @Test
    void aCharacterAcrossTheEndOfABlockIsReadWhole() throws IOException {
        byte[] ascii = "x".repeat(BLOCK - 1).getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("straddle.txt");
        Files.write(file, bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, ascii, "中文".getBytes(StandardCharsets.UTF_8)));
        assertThat(String.join("", read(file))).isEqualTo("x".repeat(BLOCK - 1) + "中文"); // the byte order mark dropped
    }

    @Test
    void readingInBlocksCountsTheSameWordsAsReadingTheWholeText() throws IOException {
        String text = GeneratedCorpus.text(31, 3 * BLOCK) + "\n   \n  trailing  spaces and lines \r\n\r\n";
        Path file = Files.writeString(dir.resolve("big.txt"), text);
        WordCounts inBlocks = new WordCounts(List.of());
        int[] pieces = {0};
        Corpus.read(file, piece -> {
            pieces[0]++;
            inBlocks.add(piece);
        });
        WordCounts whole = new WordCounts(List.of());
        whole.add(text);

        assertThat(pieces[0]).isGreaterThan(2);
        assertThat(inBlocks.words()).isEqualTo(whole.words());
        assertThat(counts(inBlocks)).isEqualTo(counts(whole));
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
