package dev.hearth.model.lora;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.ModelLoadException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Adapter files in llama.cpp's layout: written and read back, and every malformed one refused by name. */
class LoraAdaptersTest {
    private static final String Q = "blk.0.attn_q.weight";
    private static final String DOWN = "blk.1.ffn_down.weight";

    @TempDir
    Path dir;

    @Test
    void writtenAdapterReadsBackWithItsFactorsAlphaAndArchitecture() throws IOException {
        Random random = new Random(7);
        Map<String, LoraAdapter.Factors> factors = new LinkedHashMap<>();
        factors.put(DOWN, new LoraAdapter.Factors(4, 24, 16, floats(random, 4 * 24), floats(random, 16 * 4)));
        factors.put(Q, new LoraAdapter.Factors(4, 16, 8, floats(random, 4 * 16), floats(random, 8 * 4)));
        LoraAdapter written = new LoraAdapter(null, "llama", 8, factors);
        Path file = dir.resolve("adapter.gguf");
        LoraAdapters.write(written, file);

        LoraAdapter read = LoraAdapters.read(file);
        assertThat(read.source()).isEqualTo(file);
        assertThat(read.architecture()).isEqualTo("llama");
        assertThat(read.alpha()).isEqualTo(8f);
        assertThat(read.rank()).isEqualTo(4);
        assertThat(read.factors().keySet()).containsExactly(Q, DOWN); // block order
        for (String name : factors.keySet()) {
            LoraAdapter.Factors w = written.factors().get(name);
            LoraAdapter.Factors r = read.factors().get(name);
            assertThat(r.in()).isEqualTo(w.in());
            assertThat(r.out()).isEqualTo(w.out());
            assertThat(r.a()).containsExactly(w.a());
            assertThat(r.b()).containsExactly(w.b());
        }
    }

    @Test
    void fileHasTheKeysAndShapesLlamaCppsLoaderRequires() throws IOException {
        Path file = dir.resolve("adapter.gguf");
        LoraAdapters.write(new LoraAdapter(null, "qwen2", 16, Map.of(Q, zeros(4, 16, 8))), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().getString("general.type")).isEqualTo("adapter");
            assertThat(gguf.metadata().getString("adapter.type")).isEqualTo("lora");
            assertThat(gguf.metadata().getString("general.architecture")).isEqualTo("qwen2");
            // llama.cpp reads alpha with gguf_get_val_f32, which requires a float32
            assertThat(gguf.metadata().get("adapter.lora.alpha")).contains(new GgufValue.Float32(16f));
            // lora_a is [n_in, rank] and lora_b [rank, n_out] in ggml order
            assertThat(gguf.tensor(Q + ".lora_a").orElseThrow().shape()).isEqualTo(Shape.of(16, 4));
            assertThat(gguf.tensor(Q + ".lora_b").orElseThrow().shape()).isEqualTo(Shape.of(4, 8));
            assertThat(gguf.tensor(Q + ".lora_a").orElseThrow().type()).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void readsF16FactorsAndSkipsNormVectorsAsLlamaCppDoes() throws IOException {
        float[] a = floats(new Random(3), 2 * 16);
        Path file = adapterFile("llama", "lora", writer -> {
            writer.addTensor(Q + ".lora_a", GgmlType.F16, Shape.of(16, 2), f16(a));
            writer.addTensor(Q + ".lora_b", GgmlType.F16, Shape.of(2, 8), f16(new float[16]));
            writer.addTensor("blk.0.attn_norm.weight", GgmlType.F32, Shape.of(16), MemorySegment.ofArray(new byte[64]));
        });
        LoraAdapter read = LoraAdapters.read(file);
        assertThat(read.factors().keySet()).containsExactly(Q);
        float[] expected = new float[a.length];
        WeightFormats.of(GgmlType.F16).dequantize(f16(a), 0, expected, 0, a.length);
        assertThat(read.factors().get(Q).a()).containsExactly(expected);
        assertThat(read.alpha()).isZero(); // absent: llama.cpp's default
    }

    @Test
    void scaleIsTheUsersScaleTimesAlphaOverRankOrTheUsersScaleWhenAlphaIsZero() {
        assertThat(new LoraAdapter(null, "llama", 16, Map.of(Q, zeros(4, 16, 8))).scale(0.5f)).isEqualTo(2f);
        assertThat(new LoraAdapter(null, "llama", 0, Map.of(Q, zeros(4, 16, 8))).scale(0.5f)).isEqualTo(0.5f);
    }

    @Test
    void refusesAFileThatIsNotAnAdapter() throws IOException {
        Path model = adapterFile("llama", "lora", w -> { });
        rewrite(model, "general.type", "model");
        assertThatThrownBy(() -> LoraAdapters.read(model)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(model.toString()).hasMessageContaining("general.type")
                .hasMessageContaining("'model', expected 'adapter'").hasMessageContaining("not a LoRA adapter");

        Path vector = adapterFile("llama", "control_vector", w -> { });
        assertThatThrownBy(() -> LoraAdapters.read(vector)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("adapter.type").hasMessageContaining("expected 'lora'");
    }

    @Test
    void refusesAFactorWithoutItsPartner() throws IOException {
        Path file = adapterFile("llama", "lora", w -> w.addTensor(Q + ".lora_a", GgmlType.F32, Shape.of(16, 4), f32(64)));
        assertThatThrownBy(() -> LoraAdapters.read(file)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor '" + Q + ".lora_b': is missing: " + Q + ".lora_a has no partner");
    }

    @Test
    void refusesFactorsWhoseRanksDiffer() throws IOException {
        Path file = adapterFile("llama", "lora", w -> {
            w.addTensor(Q + ".lora_a", GgmlType.F32, Shape.of(16, 4), f32(64));
            w.addTensor(Q + ".lora_b", GgmlType.F32, Shape.of(3, 8), f32(24));
        });
        assertThatThrownBy(() -> LoraAdapters.read(file)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor '" + Q + ".lora_b': has rank 3")
                .hasMessageContaining(Q + ".lora_a has rank 4");
    }

    @Test
    void refusesAdaptersWhosePairsHaveDifferentRanks() throws IOException {
        Path file = adapterFile("llama", "lora", w -> {
            w.addTensor(Q + ".lora_a", GgmlType.F32, Shape.of(16, 4), f32(64));
            w.addTensor(Q + ".lora_b", GgmlType.F32, Shape.of(4, 8), f32(32));
            w.addTensor(DOWN + ".lora_a", GgmlType.F32, Shape.of(24, 2), f32(48));
            w.addTensor(DOWN + ".lora_b", GgmlType.F32, Shape.of(2, 16), f32(32));
        });
        assertThatThrownBy(() -> LoraAdapters.read(file)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor '" + DOWN + ".lora_a': has rank 2, but " + Q + ".lora_a has rank 4");
    }

    @Test
    void refusesTargetsHearthDoesNotAdaptAndTensorsThatAreNoFactors() throws IOException {
        Path output = adapterFile("llama", "lora", w -> {
            w.addTensor("output.weight.lora_a", GgmlType.F32, Shape.of(16, 4), f32(64));
            w.addTensor("output.weight.lora_b", GgmlType.F32, Shape.of(4, 8), f32(32));
        });
        assertThatThrownBy(() -> LoraAdapters.read(output)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'output.weight.lora_a': adapters on the embedding or the output projection"
                        + " are not supported").hasMessageContaining("attn_q, attn_k, attn_v, attn_output");

        Path fused = adapterFile("llama", "lora", w -> {
            w.addTensor("blk.0.attn_qkv.weight.lora_a", GgmlType.F32, Shape.of(16, 4), f32(64));
            w.addTensor("blk.0.attn_qkv.weight.lora_b", GgmlType.F32, Shape.of(4, 8), f32(32));
        });
        assertThatThrownBy(() -> LoraAdapters.read(fused)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'blk.0.attn_qkv.weight.lora_a': is not a tensor Hearth adapts");

        Path plain = adapterFile("llama", "lora", w -> w.addTensor(Q, GgmlType.F32, Shape.of(16, 8), f32(128)));
        assertThatThrownBy(() -> LoraAdapters.read(plain)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor '" + Q + "': is neither a .lora_a nor a .lora_b factor");

        Path empty = adapterFile("llama", "lora", w -> { });
        assertThatThrownBy(() -> LoraAdapters.read(empty)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("holds no .lora_a/.lora_b pairs");
    }

    @Test
    void checkAgainstABaseModelNamesTheArchitectureOrTheTensorThatDiffers() throws IOException {
        SyntheticModel synthetic = SyntheticModel.of(SyntheticModel.Spec.llama()); // dim 64, q 64, kv 32, ffn 96
        Path base = synthetic.write(dir.resolve("base.gguf"));
        Path source = dir.resolve("adapter.gguf");
        try (GgufFile file = GgufFile.open(base)) {
            LoraAdapters.checkFits(new LoraAdapter(source, "llama", 1, Map.of(Q, zeros(2, 64, 64))), file);

            assertThatThrownBy(() -> LoraAdapters.checkFits(new LoraAdapter(source, "qwen3", 1, Map.of(Q, zeros(2, 64, 64))), file))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining(source.toString())
                    .hasMessageContaining("general.architecture: the adapter is for 'qwen3', but " + base + " is 'llama'");
            assertThatThrownBy(() -> LoraAdapters.checkFits(new LoraAdapter(source, "llama", 1,
                    Map.of("blk.7.attn_q.weight", zeros(2, 64, 64))), file))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("tensor 'blk.7.attn_q.weight.lora_a': " + base + " has no tensor blk.7.attn_q.weight");
            assertThatThrownBy(() -> LoraAdapters.checkFits(new LoraAdapter(source, "llama", 1,
                    Map.of("blk.0.attn_k.weight", zeros(2, 64, 64))), file))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("tensor 'blk.0.attn_k.weight.lora_a': changes a [64, 64] matrix (ggml order),"
                            + " but blk.0.attn_k.weight in " + base + " is [64, 32]");
        }
    }

    private interface Tensors {
        void add(GgufWriter writer);
    }

    private Path adapterFile(String architecture, String adapterType, Tensors tensors) throws IOException {
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", architecture)
                .putString("general.type", "adapter")
                .putString("adapter.type", adapterType);
        tensors.add(writer);
        return writeFresh(writer);
    }

    /** The file again with {@code key} set to {@code value}. */
    private void rewrite(Path file, String key, String value) throws IOException {
        GgufWriter writer = new GgufWriter();
        try (GgufFile gguf = GgufFile.open(file)) {
            writer.putAll(gguf.metadata()).put(key, GgufValue.Str.of(value)); // metadata outlives the mapping
        }
        writer.write(file);
    }

    private Path writeFresh(GgufWriter writer) throws IOException {
        Path file = dir.resolve("adapter-" + System.nanoTime() + ".gguf");
        writer.write(file);
        return file;
    }

    private static LoraAdapter.Factors zeros(int rank, int in, int out) {
        return new LoraAdapter.Factors(rank, in, out, new float[rank * in], new float[out * rank]);
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static MemorySegment f32(int n) {
        return MemorySegment.ofArray(new byte[4 * n]);
    }

    private static MemorySegment f16(float[] values) {
        MemorySegment data = MemorySegment.ofArray(new byte[2 * values.length]);
        WeightFormats.quantizer(GgmlType.F16).quantize(values, 0, values.length, data, 0);
        return data;
    }
}
