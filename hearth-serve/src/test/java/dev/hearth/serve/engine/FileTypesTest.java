package dev.hearth.serve.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FileTypesTest {

    /** Mostly IQ4_NL bytes, as llama.cpp's IQ4_XS mix of a model whose rows are not whole super-blocks. */
    private static final GgufSummary SUMMARY = new GgufSummary("m.gguf", 3, "qwen2", Optional.empty(), 1000,
            Map.of(GgmlType.IQ4_NL, new GgufSummary.TypeShare(120, 900), GgmlType.IQ4_XS, new GgufSummary.TypeShare(21, 300)),
            OptionalLong.empty(), Optional.empty(), Optional.empty(), 0, false, 141, 1200);

    @Test
    void namesTheFileTypeAsLlamaCppDoes() {
        assertThat(FileTypes.name(fileType(15), SUMMARY)).isEqualTo("Q4_K_M");
        assertThat(FileTypes.name(fileType(17), SUMMARY)).isEqualTo("Q5_K_M");
        assertThat(FileTypes.name(fileType(25), SUMMARY)).isEqualTo("IQ4_NL");
        assertThat(FileTypes.name(fileType(30), SUMMARY)).isEqualTo("IQ4_XS");
    }

    @Test
    void withoutAKnownFileTypeNamesTheTypeHoldingMostBytes() {
        assertThat(FileTypes.name(GgufMetadata.of(Map.of()), SUMMARY)).isEqualTo("IQ4_NL");
        assertThat(FileTypes.name(fileType(99), SUMMARY)).isEqualTo("IQ4_NL");
    }

    private static GgufMetadata fileType(long type) {
        return GgufMetadata.of(Map.of("general.file_type", new GgufValue.Int(GgufValueType.UINT32, type)));
    }
}
