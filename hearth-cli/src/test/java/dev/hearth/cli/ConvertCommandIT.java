package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.testdata.TestData;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandIT {
    @TempDir
    Path dir;

    private String model;
    private String tokenizer;

    @BeforeEach
    void locateTestData() {
        model = TestData.file("stories260k/stories260K.bin").toString();
        tokenizer = TestData.file("stories260k/tok512.bin").toString();
    }

    @Test
    void convertsALlama2cModelAndSaysWhatItWrote() throws Exception {
        Path out = dir.resolve("stories260K.gguf");
        CliRun run = CliRun.of("convert", "llama2c", model, "--tokenizer", tokenizer, "-o", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("wrote " + out + ": 47 tensors, 260.03K parameters, F32, 1.0 MiB\n");
        try (GgufFile gguf = GgufFile.open(out)) {
            assertThat(gguf.metadata().getString("general.architecture")).isEqualTo("llama");
        }
    }

    @Test
    void refusesToReplaceAnExistingOutputWithoutForce() throws Exception {
        Path out = Files.writeString(dir.resolve("taken.gguf"), "keep me");
        CliRun run = CliRun.of("convert", "llama2c", model, "--tokenizer", tokenizer, "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("hearth: " + out + ": already exists (use --force to replace it)\n");
        assertThat(out).hasContent("keep me");

        CliRun forced = CliRun.of("convert", "llama2c", model, "--tokenizer", tokenizer, "-o", out.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        try (GgufFile gguf = GgufFile.open(out)) {
            assertThat(gguf.tensors()).hasSize(47);
        }
    }

    @Test
    void tokenizerOfAnotherModelGivesOneClearLine() throws Exception {
        Path tiny = Files.write(dir.resolve("tiny-tok.bin"), new byte[] {7, 0, 0, 0});
        Path out = dir.resolve("out.gguf");
        CliRun run = CliRun.of("convert", "llama2c", model, "--tokenizer", tiny.toString(), "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + tiny + ": vocabulary: holds 0 tokens, but stories260K.bin has"
                + " vocab_size 512 (a tokenizer for a different model?)\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void missingOutputFolderIsNamed() {
        Path out = dir.resolve("no-such-folder").resolve("out.gguf");
        CliRun run = CliRun.of("convert", "llama2c", model, "--tokenizer", tokenizer, "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + out.getParent() + ": no such directory to write out.gguf into\n");
    }

    @Test
    void missingTokenizerOptionIsAUsageError() {
        CliRun run = CliRun.of("convert", "llama2c", model, "-o", dir.resolve("out.gguf").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--tokenizer=TOK.bin'");
    }

    @Test
    void convertAloneAsksForASourceFormat() {
        CliRun run = CliRun.of("convert");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required subcommand").contains("llama2c");
    }
}
