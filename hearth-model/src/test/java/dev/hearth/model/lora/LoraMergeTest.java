package dev.hearth.model.lora;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.ModelLoadException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Merging adapters into a model file: which tensors change, into what type, and that the rest is copied as it is. */
class LoraMergeTest {
    private static final String Q = "blk.0.attn_q.weight";
    private static final String UP = "blk.1.ffn_up.weight";

    @TempDir
    Path dir;

    @Test
    void mergedTensorsAreTheBasePlusScaledProductsInTheirOwnTypeOrF16() throws IOException {
        Path q8 = SyntheticModel.of(SyntheticModel.Spec.llama()).quantized(GgmlType.Q8_0).write(dir.resolve("q8.gguf"));
        // IQ4_NL: a type Hearth reads but cannot write
        assertThat(WeightFormats.of(GgmlType.IQ4_NL)).isNotInstanceOf(Quantizer.class);
        Path base = withZeros(q8, UP, GgmlType.IQ4_NL, dir.resolve("base.gguf"));
        LoraAdapter adapter = RandomAdapters.of(base, 4, 3);
        Path out = dir.resolve("merged.gguf");

        List<LoraMerge.MergedTensor> merged = LoraMerge.write(base, List.of(new ScaledLora(adapter, 0.5f)), out);

        assertThat(merged).hasSize(7 * 3);
        assertThat(merged).filteredOn(t -> t.name().equals(Q)).singleElement()
                .isEqualTo(new LoraMerge.MergedTensor(Q, GgmlType.Q8_0, GgmlType.Q8_0));
        assertThat(merged).filteredOn(t -> t.name().equals(UP)).singleElement()
                .isEqualTo(new LoraMerge.MergedTensor(UP, GgmlType.IQ4_NL, GgmlType.F16));
        try (GgufFile before = GgufFile.open(base); GgufFile after = GgufFile.open(out)) {
            assertThat(after.metadata().asMap()).isEqualTo(before.metadata().asMap());
            // W + s·B·A, within the written type's rounding
            // W + s·B·A, within the written type's rounding: F16's 2^-11 of values below 0.1 (measured 1.5e-5),
            // Q8_0's half step, a block's largest |w| / 254 (measured 1.9e-3); the products reach 0.06
            assertThat(maxError(after, UP, before, adapter, 0.5f)).isLessThan(1e-4);
            assertThat(maxError(after, Q, before, adapter, 0.5f)).isLessThan(3e-3);
            assertThat(maxError(after, Q, before, adapter, 0f)).as("the products are there").isGreaterThan(1e-2);
            for (GgufTensorInfo info : before.tensors()) {
                if (LoraTarget.of(info.name()).isEmpty()) {
                    assertThat(bytes(after, info.name())).as(info.name()).isEqualTo(bytes(before, info.name()));
                }
            }
        }
    }

    @Test
    void anAdapterAtScaleZeroChangesNoTensor() throws IOException {
        Path base = SyntheticModel.of(SyntheticModel.Spec.qwen2()).write(dir.resolve("base.gguf"));
        Path out = dir.resolve("merged.gguf");
        assertThat(LoraMerge.write(base, List.of(new ScaledLora(RandomAdapters.of(base, 2, 1), 0f)), out)).isEmpty();
        try (GgufFile before = GgufFile.open(base); GgufFile after = GgufFile.open(out)) {
            for (GgufTensorInfo info : before.tensors()) {
                assertThat(bytes(after, info.name())).as(info.name()).isEqualTo(bytes(before, info.name()));
            }
        }
    }

    @Test
    void anAdapterForAnotherModelIsRefusedAndNothingIsWritten() throws IOException {
        Path llama = SyntheticModel.of(SyntheticModel.Spec.llama()).write(dir.resolve("llama.gguf"));
        Path qwen = SyntheticModel.of(SyntheticModel.Spec.qwen3()).write(dir.resolve("qwen.gguf"));
        Path out = dir.resolve("merged.gguf");
        assertThatThrownBy(() -> LoraMerge.write(qwen, List.of(new ScaledLora(RandomAdapters.of(llama, 2, 1), 1f)), out))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("the adapter is for 'llama'");
        assertThat(out).doesNotExist();
    }

    /** {@code max |merged − (W + s·B·A)|} over tensor {@code name}, with {@code W} as the base file holds it. */
    private static double maxError(GgufFile merged, String name, GgufFile base, LoraAdapter adapter, float userScale) {
        LoraAdapter.Factors f = adapter.factors().get(name);
        float[] w = floats(base, name);
        float[] got = floats(merged, name);
        double s = adapter.scale(userScale);
        double worst = 0;
        for (int r = 0; r < f.out(); r++) {
            for (int j = 0; j < f.in(); j++) {
                double expected = w[r * f.in() + j];
                for (int k = 0; k < f.rank(); k++) {
                    expected += s * f.b()[r * f.rank() + k] * f.a()[k * f.in() + j];
                }
                worst = Math.max(worst, Math.abs(got[r * f.in() + j] - expected));
            }
        }
        return worst;
    }

    private static float[] floats(GgufFile file, String name) {
        GgufTensorInfo info = file.tensor(name).orElseThrow();
        Tensor t = new Tensor(name, info.type(), info.shape(), file.data(info));
        float[] out = new float[Math.toIntExact(info.elementCount())];
        for (int r = 0; r < t.rows(); r++) {
            t.dequantizeRow(r, out, r * t.cols());
        }
        return out;
    }

    private static byte[] bytes(GgufFile file, String name) {
        MemorySegment data = file.data(file.tensor(name).orElseThrow());
        return data.toArray(ValueLayout.JAVA_BYTE);
    }

    /** {@code in} again as {@code out}, with tensor {@code name} all zeros in {@code type}. */
    private static Path withZeros(Path in, String name, GgmlType type, Path out) throws IOException {
        try (GgufFile file = GgufFile.open(in)) {
            GgufWriter writer = new GgufWriter().putAll(file.metadata());
            for (GgufTensorInfo info : file.tensors()) {
                if (info.name().equals(name)) {
                    writer.addTensor(name, type, info.shape(), MemorySegment.ofArray(new byte[(int) type.byteSize(info.elementCount())]));
                } else {
                    writer.addTensor(info.name(), info.type(), info.shape(), file.data(info));
                }
            }
            writer.write(out);
        }
        return out;
    }
}
