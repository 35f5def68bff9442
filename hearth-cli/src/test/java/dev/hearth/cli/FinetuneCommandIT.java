package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth finetune} end to end on a synthetic model, then the adapter merged by {@code hearth export}. */
class FinetuneCommandIT {
    @TempDir
    static Path dir;
    private static Path base;
    private static Path data;

    @BeforeAll
    static void modelAndData() throws Exception {
        base = dir.resolve("tiny.gguf");
        CliRun synth = CliRun.of("synth", "--preset", "tiny", "--type", "q8_0", "-o", base.toString());
        assertThat(synth.exitCode()).as(synth.err()).isZero();
        data = Files.writeString(dir.resolve("chat.jsonl"), """
                {"messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Where is the key?"}, {"role": "assistant", "content": "Under the pot."}]}
                {"messages": [{"role": "user", "content": "Who opens at nine?"}, {"role": "assistant", "content": "The library."}]}
                """);
    }

    @Test
    void writesAnAdapterThatExportMerges() throws Exception {
        Path adapter = dir.resolve("adapter.gguf");
        CliRun run = CliRun.of("finetune", base.toString(), "--data", data.toString(), "-o", adapter.toString(),
                "--steps", "5", "--rank", "4", "--targets", "q,v", "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("2 conversations (0 skipped)").contains("step 5/5");
        assertThat(run.out()).startsWith("wrote " + adapter + ": rank 4, alpha 16.0, 2 conversations, 5 steps, loss ");
        assertThat(adapter).exists();

        Path merged = dir.resolve("merged.gguf");
        CliRun export = CliRun.of("export", "--merge", base.toString(), adapter.toString(), "-o", merged.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(merged).exists();
    }

    @Test
    void anUnknownTargetOrErrorModeIsAUsageError() {
        CliRun target = CliRun.of("finetune", base.toString(), "--data", data.toString(), "-o",
                dir.resolve("x.gguf").toString(), "--targets", "q,lm_head");
        assertThat(target.exitCode()).isEqualTo(2);
        assertThat(target.err()).contains("--targets: unknown matrix 'lm_head'; choose from q, k, v, o, gate, up, down");
        CliRun mode = CliRun.of("finetune", base.toString(), "--data", data.toString(), "-o",
                dir.resolve("x.gguf").toString(), "--on-error", "ignore");
        assertThat(mode.exitCode()).isEqualTo(2);
        assertThat(mode.err()).contains("--on-error takes stop or skip, got ignore");
    }
}
