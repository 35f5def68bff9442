package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandIT {
    @TempDir
    Path dir;

    @Test
    void writesTheTinyPresetAndSaysWhatItWrote() throws Exception {
        Path out = dir.resolve("tiny.gguf");
        CliRun run = CliRun.of("synth", "--preset", "tiny", "--type", "q4_k_m", "-o", out.toString(), "--seed", "5");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).matches("wrote \\Q" + out + "\\E: tiny q4_k_m, 50 tensors, 4\\.\\d\\dM parameters, "
                + "\\d\\.\\d MiB in \\d+\\.\\d s\n");
        try (Model model = Models.open(out)) {
            assertThat(model.info().architecture()).isEqualTo("qwen2");
        }

        CliRun info = CliRun.of("info", out.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("architecture:    qwen2\n").contains(", 2048 tokens\n");
    }

    @Test
    void refusesToReplaceAnExistingOutputWithoutForce() throws Exception {
        Path out = Files.writeString(dir.resolve("taken.gguf"), "keep me");
        CliRun run = CliRun.of("synth", "--preset", "tiny", "--type", "f16", "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("hearth: " + out + ": already exists (use --force to replace it)\n");
        assertThat(out).hasContent("keep me");

        CliRun forced = CliRun.of("synth", "--preset", "tiny", "--type", "f16", "-o", out.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.size(out)).isGreaterThan(1 << 20);
    }

    @Test
    void unknownPresetOrTypeIsAUsageErrorListingTheChoices() {
        Path out = dir.resolve("out.gguf");
        CliRun preset = CliRun.of("synth", "--preset", "gpt-5", "--type", "f16", "-o", out.toString());
        assertThat(preset.exitCode()).isEqualTo(2);
        assertThat(preset.err()).contains("no preset 'gpt-5' (there are qwen2.5-0.5b, qwen2.5-1.5b, llama-3.2-1b, tiny)");
        CliRun type = CliRun.of("synth", "--preset", "tiny", "--type", "q3_k", "-o", out.toString());
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("no type 'q3_k' (there are f16, q8_0, q4_0, q4_k_m)");
        assertThat(out).doesNotExist();
    }
}
