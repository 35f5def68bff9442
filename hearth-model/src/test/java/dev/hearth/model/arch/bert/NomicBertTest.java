package dev.hearth.model.arch.bert;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.tokenizer.TokenType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * nomic-bert on a tiny random model written by the test, against a plain float64 forward pass
 * written here from the architecture's description (not from the encoder): token embedding plus
 * token type 0, LayerNorm; per layer a fused QKV projection, NeoX rotary embedding of q and k,
 * bidirectional attention, output projection, residual and LayerNorm, SwiGLU feed-forward,
 * residual and LayerNorm; mean pooling; unit length.
 */
class NomicBertTest {
    private static final String A = "nomic-bert";
    private static final int DIM = 64;
    private static final int LAYERS = 2;
    private static final int HEADS = 4;
    private static final int HEAD_DIM = DIM / HEADS;
    private static final int FFN = 128;
    private static final int CONTEXT = 32;
    private static final double THETA = 1000;
    private static final double EPS = 1e-12;
    private static final List<String> TOKENS = List.of(
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "▁the", "▁quick", "▁brown", "▁fox", "▁jump", "s", "▁over", "▁lazy", "▁dog", "▁.", "▁,",
            "▁hello", "▁world", "▁nomic", "▁embed", "ding", "▁text", "▁a", "▁!");

    @TempDir
    Path dir;

    /** The weights, by tensor name, each with its GGUF shape (ggml order: {@code [cols, rows]}). */
    private final Map<String, float[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    NomicBertTest() {
        Random random = new Random(7);
        matrix(random, "token_embd.weight", TOKENS.size(), DIM, 1.0);
        matrix(random, "token_types.weight", 2, DIM, 0.5);
        norm(random, "token_embd_norm");
        for (int i = 0; i < LAYERS; i++) {
            String b = "blk." + i + ".";
            matrix(random, b + "attn_qkv.weight", 3 * DIM, DIM, 1 / Math.sqrt(DIM));
            matrix(random, b + "attn_output.weight", DIM, DIM, 1 / Math.sqrt(DIM));
            norm(random, b + "attn_output_norm");
            matrix(random, b + "ffn_gate.weight", FFN, DIM, 1 / Math.sqrt(DIM));
            matrix(random, b + "ffn_up.weight", FFN, DIM, 1 / Math.sqrt(DIM));
            matrix(random, b + "ffn_down.weight", DIM, FFN, 1 / Math.sqrt(FFN));
            norm(random, b + "layer_output_norm");
        }
    }

    private void matrix(Random random, String name, int rows, int cols, double std) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * random.nextGaussian());
        }
        weights.put(name, v);
        shapes.put(name, new long[] {cols, rows});
    }

    private void norm(Random random, String prefix) {
        float[] weight = new float[DIM];
        float[] bias = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            weight[i] = (float) (1 + 0.1 * random.nextGaussian());
            bias[i] = (float) (0.1 * random.nextGaussian());
        }
        weights.put(prefix + ".weight", weight);
        shapes.put(prefix + ".weight", new long[] {DIM});
        weights.put(prefix + ".bias", bias);
        shapes.put(prefix + ".bias", new long[] {DIM});
    }

    /** The model as llama.cpp writes nomic-bert, without {@code dropped} tensors and keys, with {@code changes}. */
    private Path write(Set<String> dropped, Map<String, GgufValue> changes) throws IOException {
        GgufWriter writer = new GgufWriter();
        writer.putString("general.architecture", A);
        writer.putString("general.name", "synthetic nomic-bert");
        writer.putUInt32(A + ".context_length", CONTEXT);
        writer.putUInt32(A + ".embedding_length", DIM);
        writer.putUInt32(A + ".feed_forward_length", FFN);
        writer.putUInt32(A + ".block_count", LAYERS);
        writer.putUInt32(A + ".attention.head_count", HEADS);
        writer.putFloat32(A + ".attention.layer_norm_epsilon", (float) EPS);
        writer.putBool(A + ".attention.causal", false);
        writer.putFloat32(A + ".rope.freq_base", (float) THETA);
        writer.putUInt32(A + ".pooling_type", 1);
        writer.putString("tokenizer.ggml.model", "bert");
        writer.putStringArray("tokenizer.ggml.tokens", TOKENS);
        int[] types = new int[TOKENS.size()];
        for (int id = 0; id < types.length; id++) {
            types[id] = (id < 5 ? TokenType.CONTROL : TokenType.NORMAL).id();
        }
        writer.putInt32Array("tokenizer.ggml.token_type", types);
        writer.putUInt32("tokenizer.ggml.padding_token_id", 0);
        writer.putUInt32("tokenizer.ggml.unknown_token_id", 1);
        writer.putUInt32("tokenizer.ggml.cls_token_id", 2);
        writer.putUInt32("tokenizer.ggml.seperator_token_id", 3);
        writer.putUInt32("tokenizer.ggml.mask_token_id", 4);
        writer.putBool("tokenizer.ggml.add_bos_token", true);
        writer.putBool("tokenizer.ggml.add_sep_token", true);
        changes.forEach(writer::put);
        GgufWriter out = new GgufWriter();
        writer.metadata().asMap().forEach((key, value) -> {
            if (!dropped.contains(key)) {
                out.put(key, value);
            }
        });
        weights.forEach((name, values) -> {
            if (!dropped.contains(name)) {
                MemorySegment data = MemorySegment.ofArray(new byte[values.length * Float.BYTES]);
                WeightFormats.quantizer(GgmlType.F32).quantize(values, 0, values.length, data, 0);
                out.addTensor(name, GgmlType.F32, Shape.of(shapes.get(name)), data);
            }
        });
        Path file = dir.resolve("nomic-" + System.nanoTime() + ".gguf");
        out.write(file);
        return file;
    }

    private Path write() throws IOException {
        return write(Set.of(), Map.of());
    }

    @Test
    void matchesAPlainFloat64ForwardPassForInputsOfSeveralLengths() throws IOException {
        List<int[]> inputs = List.of(
                new int[] {2},
                new int[] {2, 16, 17, 3},
                new int[] {2, 5, 6, 7, 8, 9, 10, 11, 5, 12, 13, 14, 3},
                random(CONTEXT, 11));
        try (WorkerPool pool = new WorkerPool(2);
                EmbeddingModel scalar = Models.openEmbedding(write());
                EmbeddingModel vector = Models.openEmbedding(write(),
                        ModelOptions.defaults().withKernels(Kernels.vectorized(pool)))) {
            for (int[] tokens : inputs) {
                double[] expected = reference(tokens);
                assertThat(cosine(scalar.embed(tokens), expected)).as("scalar, %d tokens", tokens.length)
                        .isGreaterThanOrEqualTo(0.99999);
                assertThat(cosine(vector.embed(tokens), expected)).as("vector, %d tokens", tokens.length)
                        .isGreaterThanOrEqualTo(0.99999);
            }
        }
    }

    @Test
    void tokenizesWithWordPieceAndDescribesItself() throws IOException {
        try (EmbeddingModel model = Models.openEmbedding(write())) {
            int[] tokens = model.tokenize("Hello, embedding world!");
            assertThat(tokens).containsExactly(2, 16, 15, 19, 20, 17, 23, 3);
            assertThat(cosine(model.embed("Hello, embedding world!"), reference(tokens)))
                    .isGreaterThanOrEqualTo(0.99999);
            assertThat(model.info().architecture()).isEqualTo(A);
            assertThat(model.dimension()).isEqualTo(DIM);
            assertThat(model.maxTokens()).isEqualTo(CONTEXT);
            assertThat(model.info().layers()).isEqualTo(LAYERS);
        }
    }

    @Test
    void loadsWithoutTheOptionalTokenTypeTable() throws IOException {
        Path lean = write(Set.of("token_types.weight"), Map.of());
        weights.put("token_types.weight", new float[2 * DIM]);  // the reference adds zeros instead
        try (EmbeddingModel model = Models.openEmbedding(lean)) {
            int[] tokens = {2, 21, 22, 3};
            assertThat(cosine(model.embed(tokens), reference(tokens))).isGreaterThanOrEqualTo(0.99999);
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        for (String name : List.of("blk.1.ffn_gate.weight", "blk.0.attn_qkv.weight", "token_embd_norm.bias",
                "blk.1.layer_output_norm.weight")) {
            Path broken = write(Set.of(name), Map.of());
            assertThatThrownBy(() -> Models.openEmbedding(broken))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("tensor '" + name + "'")
                    .hasMessageContaining("required tensor is missing");
        }
    }

    @Test
    void aQkvMatrixOfTheWrongShapeIsNamed() throws IOException {
        matrix(new Random(1), "blk.0.attn_qkv.weight", DIM, DIM, 0.1);
        assertThatThrownBy(() -> Models.openEmbedding(write()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'blk.0.attn_qkv.weight'")
                .hasMessageContaining("expected shape");
    }

    @Test
    void aMissingOrImpossibleHyperparameterIsNamed() throws IOException {
        Path noEps = write(Set.of(A + ".attention.layer_norm_epsilon"), Map.of());
        // a missing key is, as for every architecture, a format error naming it
        assertThatThrownBy(() -> Models.openEmbedding(noEps))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(A + ".attention.layer_norm_epsilon");
        Path causal = write(Set.of(), Map.of(A + ".attention.causal", new GgufValue.Bool(true)));
        assertThatThrownBy(() -> Models.openEmbedding(causal))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(A + ".attention.causal");
        Path heads = write(Set.of(), Map.of(A + ".attention.head_count", new GgufValue.Int(GgufValueType.UINT32, 5)));
        assertThatThrownBy(() -> Models.openEmbedding(heads))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(A + ".attention.head_count")
                .hasMessageContaining("5 heads do not divide embedding_length 64");
        Path scaled = write(Set.of(), Map.of(A + ".rope.scaling.type", GgufValue.Str.of("yarn")));
        assertThatThrownBy(() -> Models.openEmbedding(scaled))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(A + ".rope.scaling.type");
    }

    @Test
    void bothEncodersAreListed() {
        assertThat(Models.embeddingArchitectures()).containsExactly("bert", "nomic-bert");
    }

    private static int[] random(int n, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(TOKENS.size());
        }
        return tokens;
    }

    // ---- the reference: float64, one plain loop per step, nothing shared with the encoder ----

    private double[] reference(int[] tokens) {
        int T = tokens.length;
        double[][] x = new double[T][DIM];
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < DIM; i++) {
                x[t][i] = w("token_embd.weight")[tokens[t] * DIM + i] + w("token_types.weight")[i];
            }
            x[t] = layerNorm(x[t], "token_embd_norm");
        }
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            double[][] q = new double[T][];
            double[][] k = new double[T][];
            double[][] v = new double[T][];
            for (int t = 0; t < T; t++) {
                double[] qkv = matVec(b + "attn_qkv.weight", x[t], 3 * DIM, DIM);
                q[t] = rotate(Arrays.copyOfRange(qkv, 0, DIM), t);
                k[t] = rotate(Arrays.copyOfRange(qkv, DIM, 2 * DIM), t);
                v[t] = Arrays.copyOfRange(qkv, 2 * DIM, 3 * DIM);
            }
            double[][] next = new double[T][];
            for (int t = 0; t < T; t++) {
                double[] att = new double[DIM];
                for (int h = 0; h < HEADS; h++) {
                    int o = h * HEAD_DIM;
                    double[] scores = new double[T];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s < T; s++) {
                        for (int i = 0; i < HEAD_DIM; i++) {
                            scores[s] += q[t][o + i] * k[s][o + i];
                        }
                        scores[s] /= Math.sqrt(HEAD_DIM);
                        max = Math.max(max, scores[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s < T; s++) {
                        scores[s] = Math.exp(scores[s] - max);
                        sum += scores[s];
                    }
                    for (int s = 0; s < T; s++) {
                        for (int i = 0; i < HEAD_DIM; i++) {
                            att[o + i] += scores[s] / sum * v[s][o + i];
                        }
                    }
                }
                double[] h1 = add(x[t], matVec(b + "attn_output.weight", att, DIM, DIM));
                h1 = layerNorm(h1, b + "attn_output_norm");
                double[] gate = matVec(b + "ffn_gate.weight", h1, FFN, DIM);
                double[] up = matVec(b + "ffn_up.weight", h1, FFN, DIM);
                double[] inner = new double[FFN];
                for (int i = 0; i < FFN; i++) {
                    inner[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                next[t] = layerNorm(add(h1, matVec(b + "ffn_down.weight", inner, DIM, FFN)), b + "layer_output_norm");
            }
            x = next;
        }
        double[] mean = new double[DIM];
        for (double[] row : x) {
            for (int i = 0; i < DIM; i++) {
                mean[i] += row[i] / T;
            }
        }
        return mean;
    }

    /** NeoX rotary embedding: in each head, element i pairs with i + HEAD_DIM/2. */
    private static double[] rotate(double[] vector, int position) {
        double[] out = vector.clone();
        int half = HEAD_DIM / 2;
        for (int h = 0; h < HEADS; h++) {
            int o = h * HEAD_DIM;
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(THETA, -2.0 * i / HEAD_DIM);
                double a = vector[o + i];
                double b = vector[o + i + half];
                out[o + i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[o + i + half] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return out;
    }

    private double[] matVec(String name, double[] in, int rows, int cols) {
        float[] m = w(name);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r] += m[r * cols + c] * in[c];
            }
        }
        return out;
    }

    private double[] layerNorm(double[] in, String prefix) {
        double mean = 0;
        for (double v : in) {
            mean += v / in.length;
        }
        double var = 0;
        for (double v : in) {
            var += (v - mean) * (v - mean) / in.length;
        }
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (in[i] - mean) / Math.sqrt(var + EPS) * w(prefix + ".weight")[i] + w(prefix + ".bias")[i];
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private float[] w(String name) {
        return weights.get(name);
    }

    private static double cosine(float[] actual, double[] expected) {
        double dot = 0;
        double na = 0;
        double ne = 0;
        for (int i = 0; i < expected.length; i++) {
            dot += actual[i] * expected[i];
            na += (double) actual[i] * actual[i];
            ne += expected[i] * expected[i];
        }
        assertThat(actual).hasSize(expected.length);
        return dot / Math.sqrt(na * ne);
    }
}
