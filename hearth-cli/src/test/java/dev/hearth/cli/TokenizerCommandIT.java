package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCommandIT {
    private static final List<String> WORDS = List.of("the", "river", "runs", "past", "a", "quiet", "village", "and",
            "children", "play", "near", "water", "河流", "经过", "安静", "的", "村庄", "孩子们", "在", "水边", "玩耍");

    @TempDir
    Path dir;

    /** Sentences of English and Chinese words, seeded. */
    private static String prose(long seed, int sentences) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            for (int w = 0; w < 4 + random.nextInt(8); w++) {
                text.append(w == 0 ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
            }
            text.append(random.nextInt(5) == 0 ? ".\n" : ". ");
        }
        return text.toString();
    }

    @Test
    void trainsOnFilesFoldersAndJsonLinesAndSaysWhatItWrote() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus/notes"));
        Files.writeString(dir.resolve("corpus/a.txt"), prose(1, 2000));
        Files.writeString(corpus.resolve("b.md"), "# Notes\n\n" + prose(2, 500));
        Path jsonl = Files.writeString(dir.resolve("docs.jsonl"),
                "{\"text\": \"" + prose(3, 200).replace("\n", "\\n") + "\"}\n{\"text\": \"<|endoftext|>\"}\n");
        Path output = Files.createDirectory(dir.resolve("tok")).resolve("tokenizer.json");

        CliRun run = CliRun.of("tokenizer", "train", dir.resolve("corpus").toString(), jsonl.toString(),
                "--vocab-size", "320", "-o", output.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).matches("""
                counted a\\.txt: [\\d,]+ words so far \\([\\d,]+ distinct\\)
                counted b\\.md: [\\d,]+ words so far \\([\\d,]+ distinct\\)
                counted docs\\.jsonl: [\\d,]+ words so far \\([\\d,]+ distinct\\)
                merges: 61 of 61
                """);
        assertThat(run.out()).matches("""
                wrote \\Q%s\\E and tokenizer_config\\.json: 320 tokens \\(256 bytes, 61 merges, 3 special\\) in \\d+\\.\\d s
                corpus: 3 files, \\d+\\.\\d KiB, [\\d,]+ words \\([\\d,]+ distinct\\); \\d\\.\\d\\d bytes per token
                """.formatted(output));
        assertThat(output.resolveSibling("tokenizer_config.json")).exists();

        Tokenizer tokenizer = Tokenizers.open(output);
        String text = "The river runs past 安静的村庄, 🦙 and ünïcödé\n\t<|im_end|>";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
        assertThat(tokenizer.encode("<|im_end|>", SpecialTokenMode.ALL)).containsExactly(319);
        assertThat(tokenizer.encode(" village")).hasSize(1);
        CliRun tokenize = CliRun.of("tokenize", output.toString(), "孩子们在水边玩耍");
        assertThat(tokenize.out()).endsWith(" tokens (bpe tokenizer, 320-entry vocabulary)\n");
    }

    @Test
    void saysSoWhenItStopsShortOfTheVocabularySize() throws IOException {
        Path corpus = Files.writeString(dir.resolve("small.txt"), "low lower lowest ".repeat(10));
        CliRun run = CliRun.of("tokenizer", "train", corpus.toString(), "--vocab-size", "1000", "--special-token", "<eos>",
                "-o", dir.resolve("tok.json").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(" tokens (256 bytes, ").contains(" merges, 1 special)")
                .endsWith("stopped early, short of --vocab-size 1000: no pair of tokens occurs --min-frequency (2) times\n");
    }

    @Test
    void refusesToOverwriteAnInputEvenWithForce() throws IOException {
        Path input = Files.writeString(dir.resolve("tokenizer.json"), prose(4, 100));
        CliRun run = CliRun.of("tokenizer", "train", input.toString(), "--vocab-size", "300", "-o", input.toString(),
                "--force");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + input + ": is one of the corpus files; refusing to overwrite an input\n");
        assertThat(Files.readString(input)).isEqualTo(prose(4, 100));
    }

    @Test
    void keepsExistingFilesUnlessForced() throws IOException {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), prose(5, 300));
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "{\"mine\": true}");
        Path output = dir.resolve("tok.json");
        CliRun run = CliRun.of("tokenizer", "train", corpus.toString(), "--vocab-size", "300", "-o", output.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + config + ": already exists (use --force to replace it)\n");
        assertThat(output).doesNotExist();

        CliRun forced = CliRun.of("tokenizer", "train", corpus.toString(), "--vocab-size", "300", "-o", output.toString(),
                "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readString(config)).contains("\"eos_token\": \"<|endoftext|>\"");
    }

    @Test
    void aVocabularyTooSmallIsAUsageErrorNamingTheOption() throws IOException {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), prose(6, 100));
        CliRun run = CliRun.of("tokenizer", "train", corpus.toString(), "--vocab-size", "258", "--special-token", "<a>",
                "--special-token", "<b>", "-o", dir.resolve("tok.json").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("--vocab-size 258 is too small: it must be at least 259 (256 byte tokens,"
                + " 2 special tokens and one learned token)\n");
        assertThat(dir.resolve("tok.json")).doesNotExist();
    }

    @Test
    void corpusErrorsNameTheFileAndWhere() throws IOException {
        Path badUtf8 = dir.resolve("latin1.txt");
        Files.write(badUtf8, new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'o', 'k'});
        assertThat(train(badUtf8)).isEqualTo("hearth: " + badUtf8 + ": not UTF-8 at byte 3 (expected UTF-8 text)");

        Path badJsonl = Files.writeString(dir.resolve("docs.jsonl"), "{\"text\": \"fine\"}\n{\"body\": \"no text\"}\n");
        assertThat(train(badJsonl)).isEqualTo("hearth: " + badJsonl + ": line 2: expected a JSON object with a string"
                + " field \"text\", found an object without it");

        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThat(train(empty)).isEqualTo("hearth: " + empty + ": no text to train on");

        assertThat(train(dir.resolve("missing.txt"))).isEqualTo("hearth: " + dir.resolve("missing.txt") + ": no such file");
    }

    /** Runs the command, expecting it to fail; the last line it printed to standard error. */
    private String train(Path corpus) {
        CliRun run = CliRun.of("tokenizer", "train", corpus.toString(), "--vocab-size", "300",
                "-o", dir.resolve("out.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("out.json")).doesNotExist();
        return run.err().lines().toList().getLast();
    }
}
