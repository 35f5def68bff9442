package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.testdata.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth export --merge} and {@code --lora} on llama2.c's stories260K (converted to GGUF
 * once for the class) with two random adapters: the merged model writes what the base model
 * writes with the adapters applied at run time.
 */
class ExportCommandIT {
    private static final String PROMPT = "Once upon a time";

    @TempDir
    static Path dir;
    static String stories;
    static String first;
    static String second;

    @BeforeAll
    static void prepare() throws Exception {
        Path data = TestData.file("stories260k");
        Path model = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        stories = model.toString();
        first = RandomAdapters.write(model, 4, 1, dir.resolve("first.gguf")).toString();
        second = RandomAdapters.write(model, 2, 2, dir.resolve("second.gguf")).toString();
    }

    private static CliRun generate(String model, String... more) {
        String[] args = {"generate", model, "-p", PROMPT, "--temp", "0", "-n", "40"};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        CliRun run = CliRun.of(all);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @Test
    void theMergedModelWritesWhatTheBaseWritesWithTheAdaptersAppliedAtRunTime() {
        Path merged = dir.resolve("merged.gguf");
        CliRun export = CliRun.of("export", "--merge", stories, first + ":0.8", second, "-o", merged.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.err()).isEmpty();
        // stories260K has 5 blocks of 7 target matrices, all F32, listed in the file's order
        assertThat(export.out()).matches("merged first.gguf at 0.8, second.gguf at 1.0 into 35 tensors of stories260K.gguf\n"
                + "  35 kept F32: blk\\.0\\.attn_q\\.weight, blk\\.0\\.attn_k\\.weight, .*, blk\\.4\\.ffn_up\\.weight\n"
                + "wrote " + Pattern.quote(merged.toString()) + ", [0-9.]+ [KM]iB\n");

        String fromMerged = generate(merged.toString()).out();
        String withLora = generate(stories, "--lora", first + ":0.8", "--lora", second).out();
        String plain = generate(stories).out();
        assertThat(fromMerged).isNotBlank().isEqualTo(withLora).isNotEqualTo(plain);
    }

    @Test
    void anInputIsNeverOverwrittenEvenWithForce() throws Exception {
        byte[] before = Files.readAllBytes(Path.of(first));
        for (String input : new String[] {stories, first}) {
            CliRun run = CliRun.of("export", "--merge", stories, first, "-o", input, "--force");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("hearth: " + input + ": is an input of the merge; refusing to overwrite"
                    + " an input\n");
        }
        assertThat(Files.readAllBytes(Path.of(first))).isEqualTo(before);
    }

    @Test
    void anAdapterForAnotherModelIsNamedAndNothingIsWritten() throws Exception {
        Path tiny = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        Path forTiny = RandomAdapters.write(tiny, 2, 3, dir.resolve("for-tiny.gguf"));
        Path out = dir.resolve("wrong.gguf");
        CliRun run = CliRun.of("export", "--merge", stories, forTiny.toString(), "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("hearth: " + forTiny + ": general.architecture: the adapter is for '");
        assertThat(out).doesNotExist();

        CliRun generate = CliRun.of("generate", stories, "-p", PROMPT, "--lora", forTiny.toString());
        assertThat(generate.exitCode()).isEqualTo(1);
        assertThat(generate.err()).startsWith("hearth: " + forTiny + ": general.architecture");

        // a quantized base keeps the types Hearth writes
        CliRun quantized = CliRun.of("export", "--merge", tiny.toString(), forTiny + ":0.5", "-o", dir.resolve("tiny-merged.gguf").toString());
        assertThat(quantized.exitCode()).as(quantized.err()).isZero();
        assertThat(quantized.out()).contains(" kept Q8_0: blk.0.attn_q.weight");
    }

    @Test
    void aScaleThatIsNoFiniteNumberIsAUsageError() {
        CliRun run = CliRun.of("generate", stories, "-p", PROMPT, "--lora", first + ":1e99");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--lora").contains("is not a finite number");
    }
}
