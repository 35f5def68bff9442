package dev.hearth.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The llama.cpp vocabulary files of the test data open, with the counts their README states. */
class GgufVocabFilesIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bert-bge, bert, 30522, 0",
        "deepseek-coder, gpt2, 32256, 31757",
        "deepseek-llm, gpt2, 102400, 99757",
        "falcon, gpt2, 65024, 64784",
        "gpt-2, gpt2, 50257, 50000",
        "llama-spm, llama, 32000, 0",
        "mpt, gpt2, 50432, 50009",
        "phi-3, llama, 32064, 0",
        "refact, gpt2, 49216, 48891",
        "starcoder, gpt2, 49152, 48872",
    })
    void opensVocabularyFileWithItsCounts(String name, String model, int tokens, int merges) throws IOException {
        Path file = TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf");
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(gguf.tensors()).isEmpty();
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo(model);
            assertThat(md.getStringArray("tokenizer.ggml.tokens")).hasSize(tokens);
            assertThat(md.getIntArray("tokenizer.ggml.token_type")).hasSize(tokens);
            if (merges > 0) {
                assertThat(md.getStringArray("tokenizer.ggml.merges")).hasSize(merges);
            }
            // writing the metadata back gives the same file, byte for byte
            Path copy = Files.createTempFile("vocab", ".gguf");
            try {
                new GgufWriter().putAll(md).write(copy);
                assertThat(Files.mismatch(copy, file)).isEqualTo(-1L);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
    }
}
