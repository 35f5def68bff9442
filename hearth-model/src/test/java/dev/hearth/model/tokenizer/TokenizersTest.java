package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufValue;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizersTest {

    @Test
    void unknownAlgorithmIsNamed() {
        GgufMetadata metadata = GgufMetadata.of(Map.of(GgufVocabularies.MODEL, GgufValue.Str.of("rwkv")));
        assertThatThrownBy(() -> Tokenizers.fromGguf(metadata))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tokenizer.ggml.model")
                .hasMessageContaining("unsupported tokenizer 'rwkv' (expected one of bert, gpt2, llama)");
    }

    @Test
    void missingAlgorithmIsNamed() {
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(Map.of())))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tokenizer.ggml.model");
    }
}
