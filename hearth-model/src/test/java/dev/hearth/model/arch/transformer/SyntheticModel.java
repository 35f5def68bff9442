package dev.hearth.model.arch.transformer;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.TokenType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * A tiny random Llama-family model for tests, written as GGUF with {@link GgufWriter}: weights drawn
 * so activations stay of order one (matrices N(0, 1/fan-in), norms near 1, embeddings N(0, 1)), a
 * 300-token SentencePiece vocabulary (unk, bos, eos, 256 byte tokens, 41 pieces). Tests change
 * {@link #metadata} and {@link #tensors} before {@link #write} to build broken files.
 */
public final class SyntheticModel {
    public static final int VOCAB = 300;
    public static final int BOS = 1;
    public static final int EOS = 2;

    /**
     * @param headDim the head dimension; when it is not {@code dim / heads} the file states it as
     *     {@code {arch}.attention.key_length}
     * @param qkvBias write {@code attn_{q,k,v}.bias} (Qwen2)
     * @param qkNorm write {@code attn_{q,k}_norm.weight} (Qwen3)
     * @param ropeFactors write {@code rope_freqs.weight} (Llama 3.1)
     * @param tied omit {@code output.weight}
     */
    public record Spec(String arch, int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim,
                       int contextLength, double ropeTheta, boolean qkvBias, boolean qkNorm,
                       boolean ropeFactors, boolean tied, long seed) {

        /** Llama: normal RoPE with Llama 3.1 frequency factors, tied output. */
        public static Spec llama() {
            return new Spec("llama", 64, 3, 4, 2, 16, 96, 64, 10000, false, false, true, true, 1);
        }

        /** Qwen2: Q/K/V biases, NeoX RoPE, separate output. */
        public static Spec qwen2() {
            return new Spec("qwen2", 64, 2, 4, 2, 16, 128, 64, 1e6, true, false, false, false, 2);
        }

        /** Qwen3: per-head Q/K norms, head dimension 32 ≠ 64 / 4, NeoX RoPE, tied output. */
        public static Spec qwen3() {
            return new Spec("qwen3", 64, 2, 4, 2, 32, 96, 64, 1e6, false, true, false, true, 3);
        }

        public Spec withLayers(int n) {
            return new Spec(arch, dim, n, heads, kvHeads, headDim, ffnDim, contextLength, ropeTheta, qkvBias,
                    qkNorm, ropeFactors, tied, seed);
        }

        /** With ({@code true}) or without an {@code output.weight} of its own. */
        public Spec withTied(boolean t) {
            return new Spec(arch, dim, layers, heads, kvHeads, headDim, ffnDim, contextLength, ropeTheta, qkvBias,
                    qkNorm, ropeFactors, t, seed);
        }

        /** Widths that are whole K-quant super-blocks (256), for quantized copies. */
        public Spec wide() {
            return new Spec(arch, 256, layers, heads, kvHeads, 256 / heads * (headDim * heads / dim), 512,
                    contextLength, ropeTheta, qkvBias, qkNorm, ropeFactors, tied, seed);
        }
    }

    /** One tensor: its values, GGUF shape (ggml order) and the type it is written in. */
    public record Weight(float[] values, long[] dims, GgmlType type) {
        public Weight withType(GgmlType t) {
            return new Weight(values, dims, t);
        }
    }

    public final Spec spec;
    public final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    public final Map<String, Weight> tensors = new LinkedHashMap<>();

    private SyntheticModel(Spec spec) {
        this.spec = spec;
    }

    public static SyntheticModel of(Spec spec) {
        SyntheticModel m = new SyntheticModel(spec);
        m.describe();
        m.generate(new Random(spec.seed()));
        return m;
    }

    /** This model with every matrix (embedding included) written in {@code type}; vectors stay F32. */
    public SyntheticModel quantized(GgmlType type) {
        SyntheticModel copy = new SyntheticModel(spec);
        copy.metadata.putAll(metadata);
        tensors.forEach((name, w) -> copy.tensors.put(name, w.dims().length == 2 ? w.withType(type) : w));
        return copy;
    }

    /** The values of tensor {@code name} as generated (before any quantization). */
    public float[] floats(String name) {
        return tensors.get(name).values();
    }

    public Path write(Path file) throws IOException {
        GgufWriter writer = new GgufWriter();
        metadata.forEach(writer::put);
        tensors.forEach((name, w) -> {
            Shape shape = Shape.of(w.dims());
            MemorySegment data = MemorySegment.ofArray(new byte[Math.toIntExact(w.type().byteSize(shape.elementCount()))]);
            if (WeightFormats.supportedTypes().contains(w.type())) {
                WeightFormats.quantizer(w.type()).quantize(w.values(), 0, w.values().length, data, 0);
            }
            writer.addTensor(name, w.type(), shape, data);
        });
        writer.write(file);
        return file;
    }

    private void describe() {
        String a = spec.arch();
        put("general.architecture", str(a));
        put("general.name", str("synthetic " + a));
        put(a + ".context_length", u32(spec.contextLength()));
        put(a + ".embedding_length", u32(spec.dim()));
        put(a + ".block_count", u32(spec.layers()));
        put(a + ".feed_forward_length", u32(spec.ffnDim()));
        put(a + ".attention.head_count", u32(spec.heads()));
        put(a + ".attention.head_count_kv", u32(spec.kvHeads()));
        if (spec.headDim() != spec.dim() / spec.heads()) {
            put(a + ".attention.key_length", u32(spec.headDim()));
            put(a + ".attention.value_length", u32(spec.headDim()));
        }
        put(a + ".attention.layer_norm_rms_epsilon", new GgufValue.Float32(1e-6f));
        put(a + ".rope.freq_base", new GgufValue.Float32((float) spec.ropeTheta()));
        vocabulary();
    }

    private void vocabulary() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<GgufValue> scores = new ArrayList<>();
        List<GgufValue> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        String[] pieces = {"▁", "e", "t", "a", "o", "n", "s", "h", "r", "d", "l", "i", "▁t", "▁a", "▁s", "he",
                "▁the", "▁w", "in", "▁b", "▁c", "er", "an", "▁o", "▁f", "ou", "▁h", "▁m", "▁l", "ed", "▁d",
                "▁was", "▁to", "▁and", "▁Lily", "▁big", "▁day", ".", ",", "▁sun", "!"};
        tokens.addAll(List.of(pieces));
        for (int id = 0; id < tokens.size(); id++) {
            TokenType type = id == 0 ? TokenType.UNKNOWN : id < 3 ? TokenType.CONTROL
                    : id < 259 ? TokenType.BYTE : TokenType.NORMAL;
            scores.add(new GgufValue.Float32(id < 259 ? 0f : -(id - 259)));
            types.add(new GgufValue.Int(GgufValueType.INT32, type.id()));
        }
        if (tokens.size() != VOCAB) {
            throw new IllegalStateException("vocabulary of " + tokens.size());
        }
        put("tokenizer.ggml.model", str("llama"));
        List<GgufValue> texts = new ArrayList<>();
        tokens.forEach(t -> texts.add(str(t)));
        put("tokenizer.ggml.tokens", new GgufValue.Array(GgufValueType.STRING, texts));
        put("tokenizer.ggml.scores", new GgufValue.Array(GgufValueType.FLOAT32, scores));
        put("tokenizer.ggml.token_type", new GgufValue.Array(GgufValueType.INT32, types));
        put("tokenizer.ggml.unknown_token_id", u32(0));
        put("tokenizer.ggml.bos_token_id", u32(BOS));
        put("tokenizer.ggml.eos_token_id", u32(EOS));
    }

    private void generate(Random random) {
        Spec s = spec;
        int qDim = s.heads() * s.headDim();
        int kvDim = s.kvHeads() * s.headDim();
        matrix(random, "token_embd.weight", VOCAB, s.dim(), 1.0);
        if (s.ropeFactors()) {
            float[] factors = new float[s.headDim() / 2];
            for (int k = 0; k < factors.length; k++) {
                factors[k] = 1f + k % 4; // a spread like Llama 3.1's: 1 for high frequencies, more for low
            }
            tensors.put("rope_freqs.weight", new Weight(factors, new long[] {factors.length}, GgmlType.F32));
        }
        for (int i = 0; i < s.layers(); i++) {
            norm(random, blk(i, "attn_norm.weight"), s.dim());
            matrix(random, blk(i, "attn_q.weight"), qDim, s.dim(), 1.0 / Math.sqrt(s.dim()));
            matrix(random, blk(i, "attn_k.weight"), kvDim, s.dim(), 1.0 / Math.sqrt(s.dim()));
            matrix(random, blk(i, "attn_v.weight"), kvDim, s.dim(), 1.0 / Math.sqrt(s.dim()));
            if (s.qkvBias()) {
                vector(random, blk(i, "attn_q.bias"), qDim, 0.0, 0.2);
                vector(random, blk(i, "attn_k.bias"), kvDim, 0.0, 0.2);
                vector(random, blk(i, "attn_v.bias"), kvDim, 0.0, 0.2);
            }
            if (s.qkNorm()) {
                norm(random, blk(i, "attn_q_norm.weight"), s.headDim());
                norm(random, blk(i, "attn_k_norm.weight"), s.headDim());
            }
            matrix(random, blk(i, "attn_output.weight"), s.dim(), qDim, 1.0 / Math.sqrt(qDim));
            norm(random, blk(i, "ffn_norm.weight"), s.dim());
            matrix(random, blk(i, "ffn_gate.weight"), s.ffnDim(), s.dim(), 1.0 / Math.sqrt(s.dim()));
            matrix(random, blk(i, "ffn_up.weight"), s.ffnDim(), s.dim(), 1.0 / Math.sqrt(s.dim()));
            matrix(random, blk(i, "ffn_down.weight"), s.dim(), s.ffnDim(), 1.0 / Math.sqrt(s.ffnDim()));
        }
        norm(random, "output_norm.weight", s.dim());
        if (!s.tied()) {
            matrix(random, "output.weight", VOCAB, s.dim(), 1.0 / Math.sqrt(s.dim()));
        }
    }

    private void matrix(Random random, String name, int rows, int cols, double std) {
        float[] v = gaussian(random, rows * cols, 0.0, std);
        tensors.put(name, new Weight(v, new long[] {cols, rows}, GgmlType.F32));
    }

    private void norm(Random random, String name, int n) {
        vector(random, name, n, 1.0, 0.1);
    }

    private void vector(Random random, String name, int n, double mean, double std) {
        tensors.put(name, new Weight(gaussian(random, n, mean, std), new long[] {n}, GgmlType.F32));
    }

    private static float[] gaussian(Random random, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * random.nextGaussian());
        }
        return v;
    }

    private void put(String key, GgufValue value) {
        metadata.put(key, value);
    }

    private static GgufValue str(String s) {
        return GgufValue.Str.of(s);
    }

    private static GgufValue u32(long v) {
        return new GgufValue.Int(GgufValueType.UINT32, v);
    }
}
