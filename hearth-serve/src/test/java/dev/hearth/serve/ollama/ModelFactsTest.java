package dev.hearth.serve.ollama;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
