package dev.hearth.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synthetic model: dim=8, hidden_dim=12, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=5, seq_len=3. */
class Llama2cConverterTest {
    @TempDir
    Path dir;

    private Path tokenizer() throws IOException {
        return Files.write(dir.resolve("tok.bin"), Llama2cFiles.tokenizer(6,
                List.of("<unk>", "\n<s>\n", "\n</s>\n", " a", "b"), new float[] {0, 0, 0, -1, -2}));
    }

    @Test
    void separateClassifierBecomesOutputWeight() throws IOException {
        byte[] checkpoint = Llama2cFiles.legacy(8, 12, 2, 4, 2, 5, 3, false,
                Llama2cFiles.legacyFloats(8, 12, 2, 4, 2, 5, 3, false));
        Path model = Files.write(dir.resolve("tiny.bin"), checkpoint);
        ConvertedModel converted = Llama2cConverter.convert(model, tokenizer(), dir.resolve("tiny.gguf"));
        // 2 + 9 per layer + output_norm; parameters: every float but the 6 RoPE-table floats
        assertThat(converted.tensors()).isEqualTo(1 + 9 * 2 + 2);
        assertThat(converted.parameters()).isEqualTo(Llama2cFiles.legacyFloats(8, 12, 2, 4, 2, 5, 3, false) - 6);
        try (GgufFile gguf = GgufFile.open(converted.file())) {
            GgufTensorInfo output = gguf.tensor("output.weight").orElseThrow();
            assertThat(output.shape()).isEqualTo(Shape.of(8, 5));
            assertThat(gguf.data(output).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(Arrays.copyOfRange(checkpoint, checkpoint.length - 5 * 8 * 4, checkpoint.length));
            assertThat(gguf.tensor("blk.1.attn_k.weight").orElseThrow().shape()).isEqualTo(Shape.of(8, 4));
            assertThat(gguf.tensor("blk.1.ffn_down.weight").orElseThrow().shape()).isEqualTo(Shape.of(12, 8));
            assertThat(gguf.metadata().getString("general.name")).isEqualTo("tiny");
        }
    }

    @Test
    void refusesToWriteOverItsOwnInput() throws IOException {
        byte[] checkpoint = Llama2cFiles.legacy(8, 12, 2, 4, 2, 5, 3, true,
                Llama2cFiles.legacyFloats(8, 12, 2, 4, 2, 5, 3, true));
        Path model = Files.write(dir.resolve("tiny.bin"), checkpoint);
        assertThatThrownBy(() -> Llama2cConverter.convert(model, tokenizer(), model))
                .isInstanceOf(IOException.class)
                .hasMessage(model + ": is one of the inputs; choose another output file");
        assertThat(model).hasBinaryContent(checkpoint);
    }
}
