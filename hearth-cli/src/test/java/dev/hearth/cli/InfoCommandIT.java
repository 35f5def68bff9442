package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.hearth.testdata.TestData;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfoCommandIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bert-bge, bert, bert, 30522, none in the file; Hearth would use its built-in 'zephyr'",
        "deepseek-coder, llama, gpt2, 32256, none in the file; Hearth would use its built-in 'llama2'",
        "deepseek-llm, llama, gpt2, 102400, none in the file; Hearth would use its built-in 'llama2'",
        "falcon, falcon, gpt2, 65024, none in the file; Hearth would use its built-in 'zephyr'",
        "gpt-2, gpt2, gpt2, 50257, none in the file; Hearth would use its built-in 'zephyr'",
        "llama-spm, llama, llama, 32000, none in the file; Hearth would use its built-in 'llama2'",
        "mpt, mpt, gpt2, 50432, none in the file; Hearth would use its built-in 'zephyr'",
        "phi-3, phi3, llama, 32064, yes",
        "refact, refact, gpt2, 49216, none in the file; Hearth would use its built-in 'zephyr'",
        "starcoder, starcoder2, gpt2, 49152, none in the file; Hearth would use its built-in 'zephyr'",
    })
    void describesEveryVocabularyFile(String name, String arch, String tokenizer, int vocab, String template) {
        Path file = TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf");
        CliRun run = CliRun.of("info", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("architecture:    " + arch + "\n")
                .contains("tokenizer:       " + tokenizer + " (pre-tokenizer ")
                .contains(", " + vocab + " tokens\n")
                .contains("chat template:   " + template + "\n");
    }

    @Test
    void printsJsonForScripts() throws Exception {
        Path file = TestData.file("llama-vocab/ggml-vocab-llama-spm.gguf");
        CliRun run = CliRun.of("info", "--json", "--tensors", file.toString());
        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("architecture").asText()).isEqualTo("llama");
        assertThat(json.get("context_length").asLong()).isEqualTo(4096);
        assertThat(json.get("tokenizer").get("vocabulary_size").asInt()).isEqualTo(32000);
        assertThat(json.get("tensors").size()).isZero();
    }

    @Test
    void corruptedFileGivesOneClearLineAndNonZeroExit(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(TestData.file("llama-vocab/ggml-vocab-gpt-2.gguf"));
        Path broken = Files.write(dir.resolve("broken.gguf"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRun run = CliRun.of("info", broken.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("hearth: " + broken + ": at byte ").contains("truncated");
    }

    @Test
    void debugAddsTheStackTrace(@TempDir Path dir) throws Exception {
        Path notGguf = Files.writeString(dir.resolve("x.gguf"), "hello");
        CliRun run = CliRun.of("--debug", "info", notGguf.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("not a GGUF file").contains("\tat dev.hearth.model.gguf.GgufReader");
    }

    @Test
    void missingFileIsNamed() {
        CliRun run = CliRun.of("info", "/no/such/model.gguf");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: /no/such/model.gguf: no such file\n");
    }
}
