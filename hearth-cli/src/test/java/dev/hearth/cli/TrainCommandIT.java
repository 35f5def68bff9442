package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.testdata.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth train} end to end: a tiny model from a generated corpus, then run by {@code hearth generate}. */
class TrainCommandIT {
    @TempDir
    Path dir;
    private Path vocabulary;
    private Path corpus;

    @BeforeEach
    void vocabularyAndCorpus() throws Exception {
        Path data = TestData.file("stories260k");
        vocabulary = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        StringBuilder text = new StringBuilder();
        String[] names = {"Tom", "Lily", "Ben", "Mia"};
        String[] things = {"ball", "cat", "tree", "boat"};
        for (int i = 0; i < 400; i++) {
            String name = names[i % names.length];
            String thing = things[(i / 4) % things.length];
            text.append(name).append(" had a ").append(thing).append(". ").append(name).append(" liked the ")
                    .append(thing).append(".\n");
        }
        corpus = Files.writeString(dir.resolve("corpus.txt"), text);
    }

    @Test
    void trainsAModelThatHearthThenRuns() throws Exception {
        Path model = dir.resolve("mine.gguf");
        CliRun run = CliRun.of("train", "--config", "tiny", "--set", "steps=60", "--set", "eval_every=30",
                "--data", corpus.toString(), "--tokenizer", vocabulary.toString(), "-o", model.toString(),
                "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("unigram baseline").contains("step 30: held-out loss")
                .contains("step 60/60").contains("tok/s");
        assertThat(run.out()).startsWith("wrote " + model + ": 60 steps,").contains("held-out loss");
        assertThat(model).exists();

        CliRun generate = CliRun.of("generate", model.toString(), "-p", "Lily had a", "-n", "8", "--temp", "0");
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        // the continuation of a corpus sentence is one of the corpus's things, then the sentence's end
        assertThat(generate.out()).matches("(?s) (ball|cat|tree|boat)\\..*");
    }

    @Test
    void aMalformedJsonlLineIsNamedByFileAndLine() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("docs.jsonl"), "{\"text\": \"Tom had a ball.\"}\n{\"text\": 3}\n");
        CliRun run = CliRun.of("train", "--config", "tiny", "--data", jsonl.toString(), "--tokenizer",
                vocabulary.toString(), "-o", dir.resolve("m.gguf").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + jsonl + ":2: expected an object with a string field \"text\"\n");
    }

    @Test
    void withOnErrorSkipABadLineIsReportedAndLeftOut() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append(i == 7 ? "{\"txt\": \"typo\"}" : "{\"text\": \"Tom had a ball. Tom liked the ball.\"}").append('\n');
        }
        Path jsonl = Files.writeString(dir.resolve("docs.jsonl"), lines);
        CliRun run = CliRun.of("train", "--config", "tiny", "--set", "steps=2", "--set", "seq_len=16", "--data",
                jsonl.toString(), "--tokenizer", vocabulary.toString(), "-o", dir.resolve("m.gguf").toString(),
                "--on-error", "skip");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("skipped " + jsonl + ":8: expected an object with a string field \"text\"")
                .contains("corpus of 199 documents");
    }

    @Test
    void anUnknownConfigFieldIsNamed() throws Exception {
        CliRun run = CliRun.of("train", "--config", "tiny", "--set", "dimm=32", "--data", corpus.toString(),
                "--tokenizer", vocabulary.toString(), "-o", dir.resolve("m.gguf").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("hearth: tiny: unknown field \"dimm\"; known fields: ");
    }

    @Test
    void withoutATokenizerItTrainsOneOnTheDataFirst() throws Exception {
        Path model = dir.resolve("own.gguf");
        CliRun run = CliRun.of("train", "--config", "tiny", "--set", "steps=20", "--set", "seq_len=32",
                "--vocab-size", "300", "--data", corpus.toString(), "-o", model.toString(), "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path tokenizer = dir.resolve("own-tokenizer").resolve("tokenizer.json");
        // the small corpus runs out of pairs seen twice before 300 tokens
        assertThat(run.err()).containsPattern("trained a tokenizer of 2\\d\\d tokens on the data, fewer than --vocab-size")
                .contains(tokenizer.toString());
        assertThat(tokenizer).exists();
        try (var loaded = dev.hearth.model.runtime.Models.open(model)) {
            assertThat(loaded.info().vocabularySize())
                    .isEqualTo(dev.hearth.model.tokenizer.HuggingFaceTokenizers.load(tokenizer).vocabulary().size());
            assertThat(loaded.tokenizer().encode("Lily had a ball."))
                    .isEqualTo(dev.hearth.model.tokenizer.HuggingFaceTokenizers.load(tokenizer).encode("Lily had a ball."));
        }
    }
}
