package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.testdata.TestData;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher picks the algorithm each reference vocabulary names in tokenizer.ggml.model. */
class TokenizersIT {

    @ParameterizedTest
    @CsvSource({"ggml-vocab-llama-spm.gguf, spm", "ggml-vocab-gpt-2.gguf, bpe", "ggml-vocab-bert-bge.gguf, wpm"})
    void buildsTheTokenizerTheFileNames(String file, String kind) throws IOException {
        try (GgufFile gguf = GgufFile.open(TestData.file("llama-vocab/" + file))) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf.metadata());
            assertThat(tokenizer.kind()).isEqualTo(kind);
            assertThat(tokenizer.decode(tokenizer.encode("Hello world"))).containsIgnoringCase("hello world");
        }
    }
}
