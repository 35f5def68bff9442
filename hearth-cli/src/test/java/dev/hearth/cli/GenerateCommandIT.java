package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.testdata.TestData;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth generate} on llama2.c's stories260K, converted to GGUF once for the class. */
class GenerateCommandIT {
    private static final String PROMPT = "Once upon a time";
    private static final int LLAMA2C_STEPS = 200; // the tokens after BOS in expected.txt

    @TempDir
    static Path dir;
    private static String model;
    private static String expected;

    @BeforeAll
    static void convert() throws Exception {
        Path data = TestData.file("stories260k");
        model = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file().toString();
        expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);
    }

    @Test
    void greedyCompletionIsLlama2csStoryAfterThePrompt() throws Exception {
        assertThat(expected).startsWith(PROMPT);
        // llama2.c's 200 steps print 200 tokens after BOS; the prompt's tokens are the story's first
        // ones, so the completion is the rest of them
        int n = LLAMA2C_STEPS - promptTokens();
        CliRun run = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0", "-n", String.valueOf(n));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(expected.substring(PROMPT.length()));
        assertThat(run.err()).matches("\\nprompt: 5 tokens, [0-9.]+ tok/s · generation: " + n + " tokens, [0-9.]+ tok/s\\n");
    }

    @Test
    void seededSamplingRepeatsAcrossRunsAndThreadCountsAndAnotherSeedDiffers() {
        CliRun first = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0.8", "--seed", "42", "-n", "60");
        CliRun again = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0.8", "--seed", "42", "-n", "60");
        CliRun oneThread = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0.8", "--seed", "42", "-n", "60", "--threads", "1");
        CliRun threeThreads = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0.8", "--seed", "42", "-n", "60", "--threads", "3");
        CliRun other = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0.8", "--seed", "43", "-n", "60");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).isNotBlank().isEqualTo(again.out())
                .isEqualTo(oneThread.out()).isEqualTo(threeThreads.out());
        assertThat(other.out()).isNotEqualTo(first.out());
    }

    @Test
    void stopStringCutsTheCompletionBeforeIt() {
        CliRun run = CliRun.of("generate", model, "-p", PROMPT, "--temp", "0", "-n", "100", "--stop", "Lily");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(", there was a little girl named ");
    }

    @Test
    void badValuesExitTwoNamingTheOption() {
        CliRun topP = CliRun.of("generate", model, "-p", PROMPT, "--top-p", "1.5");
        assertThat(topP.exitCode()).isEqualTo(2);
        assertThat(topP.err()).contains("Invalid value for option '--top-p': top_p must be in (0, 1], got 1.5");
        assertThat(topP.out()).isEmpty();

        CliRun threads = CliRun.of("generate", model, "-p", PROMPT, "--threads", "0");
        assertThat(threads.exitCode()).isEqualTo(2);
        assertThat(threads.err()).contains("Invalid value for option '--threads': must be >= 1, got 0");

        CliRun kv = CliRun.of("generate", model, "-p", PROMPT, "--kv", "q8");
        assertThat(kv.exitCode()).isEqualTo(2);
        assertThat(kv.err()).contains("--kv");
    }

    @Test
    void promptFromAFileAndASmallContext() throws Exception {
        Path file = Files.writeString(dir.resolve("prompt.txt"), PROMPT);
        CliRun run = CliRun.of("generate", model, "--file", file.toString(), "--temp", "0", "-n", "8", "--ctx", "64",
                "--kv", "f32");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(expected.substring(PROMPT.length())).startsWith(run.out());
        assertThat(run.out()).isNotEmpty();

        CliRun both = CliRun.of("generate", model, "--file", file.toString(), "-p", PROMPT);
        assertThat(both.exitCode()).isEqualTo(2);
    }

    private static int promptTokens() throws Exception {
        try (Model m = Models.open(Path.of(model))) {
            Tokenizer tokenizer = m.tokenizer();
            return tokenizer.encode(PROMPT).length;
        }
    }
}
