package dev.hearth.model.arch.bert;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.ScalarKernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.convert.BgeSmallZh;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The BERT encoder on the imported bge-small-zh-v1.5: its seam, its limits and its load errors. */
class BertEncoderTest {
    @TempDir
    Path dir;

    /** {@code source} rewritten without the tensors {@code dropped} and with {@code changes} to its metadata. */
    private Path copy(Path source, Set<String> dropped, Map<String, GgufValue> changes) throws IOException {
        Path out = dir.resolve("copy.gguf");
        try (GgufFile file = GgufFile.open(source)) {
            GgufWriter writer = new GgufWriter().putAll(file.metadata());
            changes.forEach(writer::put);
            for (GgufTensorInfo t : file.tensors()) {
                if (!dropped.contains(t.name())) {
                    writer.addTensor(t.name(), t.type(), t.shape(), file.data(t));
                }
            }
            writer.write(out);
        }
        return out;
    }

    @Test
    void describesItselfAndAddsClsAndSep() throws IOException {
        try (EmbeddingModel model = Models.openEmbedding(BgeSmallZh.gguf())) {
            assertThat(model.dimension()).isEqualTo(512);
            assertThat(model.maxTokens()).isEqualTo(512);
            assertThat(model.info().architecture()).isEqualTo("bert");
            assertThat(model.info().heads()).isEqualTo(8);
            assertThat(model.info().layers()).isEqualTo(4);
            int[] tokens = model.tokenize("你好");
            assertThat(tokens).startsWith(101).endsWith(102).hasSize(4);
            assertThat(model.tokenizer().decode(Arrays.copyOfRange(tokens, 1, 3))).isEqualTo("你 好");
        }
    }

    @Test
    void scalarAndVectorKernelsGiveTheSameUnitVector() throws IOException {
        float[] scalar;
        float[] vector;
        try (EmbeddingModel model = Models.openEmbedding(BgeSmallZh.gguf(), ModelOptions.defaults()
                .withKernels(new ScalarKernels()))) {
            scalar = model.embed("GGUF 模型");
        }
        try (WorkerPool pool = new WorkerPool(2);
                EmbeddingModel model = Models.openEmbedding(BgeSmallZh.gguf(),
                        ModelOptions.defaults().withKernels(Kernels.vectorized(pool)))) {
            vector = model.embed("GGUF 模型");
        }
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < scalar.length; i++) {
            dot += scalar[i] * vector[i];
            norm += scalar[i] * scalar[i];
        }
        assertThat(norm).isCloseTo(1, within(1e-5));
        assertThat(dot).isCloseTo(1, within(1e-5));
    }

    @Test
    void refusesAnInputLongerThanTheContextInsteadOfTruncating() throws IOException {
        try (EmbeddingModel model = Models.openEmbedding(BgeSmallZh.gguf())) {
            int[] tokens = new int[513];
            Arrays.fill(tokens, 101);
            assertThatThrownBy(() -> model.embed(tokens))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("an input of 513 tokens is longer than the 512");
            assertThatThrownBy(() -> model.embed(new int[0])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.embed(new int[] {101, 21128}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 21128 at index 1");
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Path broken = copy(BgeSmallZh.gguf(), Set.of("blk.2.ffn_down.weight"), Map.of());
        assertThatThrownBy(() -> Models.openEmbedding(broken))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'blk.2.ffn_down.weight'")
                .hasMessageContaining("required tensor is missing");
    }

    @Test
    void loadsWithoutTheOptionalTokenTypeTable() throws IOException {
        Path lean = copy(BgeSmallZh.gguf(), Set.of("token_types.weight"), Map.of());
        try (EmbeddingModel model = Models.openEmbedding(lean)) {
            assertThat(model.embed("你好")).hasSize(512);
        }
    }

    @Test
    void causalAttentionIsRefused() throws IOException {
        Path causal = copy(BgeSmallZh.gguf(), Set.of(), Map.of("bert.attention.causal", new GgufValue.Bool(true)));
        assertThatThrownBy(() -> Models.openEmbedding(causal))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("bert.attention.causal");
    }

    @Test
    void openingBertAsALanguageModelSaysHowToOpenIt() throws IOException {
        Path bge = BgeSmallZh.gguf();
        assertThatThrownBy(() -> Models.open(bge))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'bert' is an embedding model")
                .hasMessageContaining("Models.openEmbedding");
    }

    @Test
    void opensADecoderAsAnEmbeddingModel() throws IOException {
        Path file = SyntheticModel.of(SyntheticModel.Spec.llama()).write(dir.resolve("llama.gguf"));
        try (EmbeddingModel model = Models.openEmbedding(file)) {
            float[] e = model.embed(model.tokenize("the big sun"));
            assertThat(e).hasSize(model.dimension());
            double norm = 0;
            for (float v : e) {
                norm += v * v;
            }
            assertThat(norm).isCloseTo(1, within(1e-5));
            assertThatThrownBy(() -> model.embed(new int[model.maxTokens() + 1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(model.maxTokens() + 1));
        }
    }
}
