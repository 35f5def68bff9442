package dev.hearth.model.runtime;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening model files: dispatch on the architecture, and an error naming the culprit for each kind of bad file. */
class ModelsTest {
    @TempDir
    Path dir;

    private Path write(SyntheticModel model) throws IOException {
        return model.write(dir.resolve("model.gguf"));
    }

    @Test
    void opensEachArchitectureAndDescribesIt() throws IOException {
        for (SyntheticModel.Spec spec : new SyntheticModel.Spec[] {
                SyntheticModel.Spec.llama(), SyntheticModel.Spec.qwen2(), SyntheticModel.Spec.qwen3()}) {
            try (Model model = Models.open(write(SyntheticModel.of(spec)))) {
                assertThat(model.info()).isEqualTo(new ModelInfo(spec.arch(), "synthetic " + spec.arch(),
                        SyntheticModel.VOCAB, spec.contextLength(), spec.dim(), spec.layers(), spec.heads(),
                        spec.kvHeads(), spec.headDim(), spec.ffnDim()));
                assertThat(model.tokenizer().kind()).isEqualTo("spm");
                assertThat(model.tokenizer().encode("the big sun")).isNotEmpty();
            }
        }
        assertThat(Models.architectures()).contains("llama", "qwen2", "qwen3");
    }

    @Test
    void unknownArchitectureIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.llama());
        model.metadata.put("general.architecture", GgufValue.Str.of("mamba"));
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("general.architecture")
                .hasMessageContaining("unknown architecture 'mamba'")
                .hasMessageContaining("bert, llama, nomic-bert, qwen2, qwen3");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.llama());
        model.tensors.remove("blk.1.ffn_up.weight");
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'blk.1.ffn_up.weight'")
                .hasMessageContaining("required tensor is missing");
    }

    @Test
    void missingArchitectureSpecificTensorIsNamed() throws IOException {
        SyntheticModel qwen2 = SyntheticModel.of(SyntheticModel.Spec.qwen2());
        qwen2.tensors.remove("blk.0.attn_k.bias");
        assertThatThrownBy(() -> Models.open(write(qwen2)))
                .hasMessageContaining("tensor 'blk.0.attn_k.bias'").hasMessageContaining("missing");
        SyntheticModel qwen3 = SyntheticModel.of(SyntheticModel.Spec.qwen3());
        qwen3.tensors.remove("blk.1.attn_q_norm.weight");
        assertThatThrownBy(() -> Models.open(write(qwen3)))
                .hasMessageContaining("tensor 'blk.1.attn_q_norm.weight'").hasMessageContaining("missing");
    }

    @Test
    void wrongShapeIsNamedWithExpectedAndFound() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.llama());
        // K projection as wide as Q: [64 cols, 64 rows] where 2 KV heads × 16 need 32 rows
        SyntheticModel.Weight q = model.tensors.get("blk.0.attn_q.weight");
        model.tensors.put("blk.0.attn_k.weight", q);
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'blk.0.attn_k.weight'")
                .hasMessageContaining("expected shape [64, 32]")
                .hasMessageContaining("found [64, 64]");
    }

    @Test
    void unsupportedTensorTypeIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.llama());
        SyntheticModel.Weight norm = model.tensors.get("output_norm.weight");
        model.tensors.put("output_norm.weight", norm.withType(GgmlType.I32));
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'output_norm.weight'")
                .hasMessageContaining("type I32 is not supported");
    }

    @Test
    void missingHyperparameterIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.qwen3());
        model.metadata.remove("qwen3.block_count");
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("qwen3.block_count")
                .hasMessageContaining("missing");
    }

    @Test
    void inconsistentHyperparameterIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.llama());
        model.metadata.put("llama.attention.head_count_kv", new GgufValue.Int(GgufValueType.UINT32, 3));
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("llama.attention.head_count_kv")
                .hasMessageContaining("3 key/value heads do not divide 4 query heads");
    }

    @Test
    void unsupportedRopeScalingIsNamed() throws IOException {
        SyntheticModel model = SyntheticModel.of(SyntheticModel.Spec.qwen2());
        model.metadata.put("qwen2.rope.scaling.type", GgufValue.Str.of("yarn"));
        assertThatThrownBy(() -> Models.open(write(model)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("qwen2.rope.scaling.type")
                .hasMessageContaining("'yarn' is not supported");
    }

    @Test
    void contextLargerThanTheModelsIsNamed() throws IOException {
        try (Model model = Models.open(write(SyntheticModel.of(SyntheticModel.Spec.qwen3())))) {
            assertThatThrownBy(() -> model.newCache(65, KvPrecision.F16))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("qwen3.context_length")
                    .hasMessageContaining("65 positions was requested; the model allows at most 64");
            try (KvCache full = model.newCache(64, KvPrecision.F16)) {
                assertThat(full.capacity()).isEqualTo(64);
            }
        }
    }

    @Test
    void defaultCacheTakesTheModelsContextCutToTheMemoryBudget() throws IOException {
        Path file = write(SyntheticModel.of(SyntheticModel.Spec.llama()));
        try (Model model = Models.open(file); KvCache cache = model.newCache()) {
            assertThat(cache.capacity()).isEqualTo(64);
            assertThat(cache.precision()).isEqualTo(KvPrecision.F16);
        }
        // 3 layers × 2 KV heads × (16 + 16) × 4 bytes = 768 bytes per position in F32
        ModelOptions small = ModelOptions.defaults().withKvPrecision(KvPrecision.F32).withKvMemoryBudget(768 * 10 + 5);
        try (Model model = Models.open(file, small); KvCache cache = model.newCache()) {
            assertThat(cache.capacity()).isEqualTo(10);
        }
    }

    @Test
    void forwardRejectsBadInputWithoutTouchingTheCache() throws IOException {
        try (Model model = Models.open(write(SyntheticModel.of(SyntheticModel.Spec.llama())));
             KvCache cache = model.newCache(4, KvPrecision.F32)) {
            assertThatThrownBy(() -> model.forward(cache, 1, 300))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 300 at index 1 is outside the vocabulary of 300");
            assertThatThrownBy(() -> model.forward(cache, 1, 2, 3, 4, 5))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds 0 of 4 positions; 5 more do not fit");
            assertThat(cache.size()).isZero();
            try (KvCache foreign = KvCache.allocate(2, 2, 16, 16, 4, KvPrecision.F32)) {
                assertThatThrownBy(() -> model.forward(foreign, 1))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("does not fit this model");
            }
        }
    }
}
