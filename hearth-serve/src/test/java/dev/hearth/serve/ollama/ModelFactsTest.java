package dev.hearth.serve.ollama;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelFactsTest {

    @ParameterizedTest
    @CsvSource({
            "7000000000, 7B",
            "8030261248, 8.0B",
            "1543714304, 1.5B",
            "494032768, 494.03M",
            "135000000, 135M",
            "260000, 260K",
            "292608, 293K",
            "999, 999",
    })
    void parameterSizesReadAsOllamaWritesThem(long parameters, String size) {
        assertThat(ModelFacts.parameterSize(parameters)).isEqualTo(size);
    }

    @Test
    void anEmbeddingModelShowsNoChatTemplateAndCanOnlyEmbed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("encoder.gguf");
        new GgufWriter().putString("general.architecture", "bert").putUInt32("bert.pooling_type", 2)
                .putString("tokenizer.ggml.model", "bert")
                .putStringArray("tokenizer.ggml.tokens", List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello"))
                .addTensor("token_embd.weight", GgmlType.F32, Shape.of(4, 5), MemorySegment.ofArray(new byte[80]))
                .write(file);

        ModelFacts facts = ModelFacts.read(file);

        assertThat(facts.template()).isEmpty();
        assertThat(facts.capabilities()).containsExactly("embedding");
        assertThat(facts.details().family()).isEqualTo("bert");
    }
}
