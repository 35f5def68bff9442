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

class TokenizeCommandIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bert-bge, wpm", "deepseek-coder, bpe", "deepseek-llm, bpe", "falcon, bpe", "gpt-2, bpe",
        "llama-spm, spm", "mpt, bpe", "phi-3, spm", "refact, bpe", "starcoder, bpe",
    })
    void tokenizesWithEveryVocabularyFile(String name, String kind) {
        Path file = TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf");
        CliRun run = CliRun.of("tokenize", file.toString(), "Hello world! 你好 🦙 3333");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines[lines.length - 1]).matches("\\d+ tokens \\(" + kind + " tokenizer, \\d+-entry vocabulary\\)");
        int count = Integer.parseInt(lines[lines.length - 1].split(" ")[0]);
        assertThat(lines).hasSize(count + 1);
        assertThat(lines[0]).matches(" *\\d+  '.*'");
    }

    @Test
    void printsTheReferenceIdsOfLlamaSpm() throws Exception {
        Path file = TestData.file("llama-vocab/ggml-vocab-llama-spm.gguf");
        CliRun run = CliRun.of("tokenize", "--json", file.toString(), "Hello world");
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("ids").toString()).isEqualTo("[15043,3186]"); // llama.cpp's ids for this text
        assertThat(json.get("pieces").toString()).isEqualTo("[\"▁Hello\",\"▁world\"]");
    }

    @Test
    void readsTheTextFromAFileAndParsesChatMarkersOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path tokenizer = TestData.file("qwen3-tokenizer/tokenizer.json");
        Path text = Files.writeString(dir.resolve("chat.txt"), "<|im_start|>user\nHi<|im_end|>");
        CliRun special = CliRun.of("tokenize", "--special", "--file", text.toString(), tokenizer.toString());
        assertThat(special.out()).startsWith("  151644  '<|im_start|>'\n").contains("5 tokens (bpe");
        CliRun plain = CliRun.of("tokenize", "--file", text.toString(), tokenizer.toString());
        assertThat(plain.out()).doesNotContain("151644");
    }

    @Test
    void needsExactlyOneSourceOfText() {
        Path file = TestData.file("llama-vocab/ggml-vocab-gpt-2.gguf");
        assertThat(CliRun.of("tokenize", file.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void aFileWithoutVocabularyIsOneClearLine(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.gguf");
        new dev.hearth.model.gguf.GgufWriter().putString("general.architecture", "llama").write(empty);
        CliRun run = CliRun.of("tokenize", empty.toString(), "hi");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hearth: " + empty + ": tokenizer.ggml.model: required key is missing (expected string)\n");
    }
}
