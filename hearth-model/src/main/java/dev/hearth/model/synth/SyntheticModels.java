package dev.hearth.model.synth;

import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.gguf.TensorSource;
import dev.hearth.model.synth.PlannedTensor.Values;
import dev.hearth.model.synth.TensorTypes.Role;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.model.tokenizer.GgufVocabularies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * Synthetic models: GGUF files with a real model's architecture, hyperparameters, tensor names,
 * shapes and types and tokenizer layout ({@link Preset}, {@link SynthType}), and seeded random
 * weights, for benchmarks (Hearth's and llama.cpp's, on the same files) and tests. The same preset,
 * type and seed always give the same bytes.
 *
 * <p>The weights are scaled so that activations stay of order one through every layer, as a
 * trained model's do: matrices N(0, 1/fan-in), the two that write into the residual stream
 * ({@code attn_output}, {@code ffn_down}) further divided by √(2·layers) so that the stream's RMS
 * stays near 1 however deep the model; norm weights N(1, 0.02²); Q/K/V biases N(0, 0.02²); the token
 * embedding N(0, (2/√dim)²), which gives logits (through the tied output) a spread of about 2.
 *
 * <p>Tensors are generated and quantized a block of rows at a time while the file is written (see
 * {@link TensorSource}), on a {@link WorkerPool}, so memory stays small whatever the model's size.
 */
public final class SyntheticModels {
    private static final double EMBEDDING_SCALE = 2.0;
    private static final double NORM_STD = 0.02;
    private static final double BIAS_STD = 0.02;
    private static final int ELEMENTS_PER_RANGE = 1 << 16;

    private SyntheticModels() {}

    /** The file {@code preset} in {@code type} would be, without its random values. */
    public static SynthPlan plan(Preset preset, SynthType type) {
        return new SynthPlan(preset, type, metadata(preset, type).metadata(), tensors(preset, type));
    }

    /**
     * Writes {@code preset} in {@code type} with weights drawn from {@code seed} to {@code file}
     * (atomically, replacing it), on one thread per processor.
     */
    public static SynthResult write(Preset preset, SynthType type, long seed, Path file) throws IOException {
        return write(plan(preset, type), seed, file, Runtime.getRuntime().availableProcessors());
    }

    /** Writes {@code plan} with weights drawn from {@code seed}, generating on {@code threads} threads. */
    public static SynthResult write(SynthPlan plan, long seed, Path file, int threads) throws IOException {
        GgufWriter writer = new GgufWriter().putAll(plan.metadata());
        writer.putString("general.description", "synthetic " + plan.preset().cliName() + " with random weights"
                + " (hearth synth, seed " + seed + "): real shapes, meaningless output");
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (PlannedTensor t : plan.tensors()) {
                writer.addTensor(t.name(), t.type(), t.shape(), source(t, seed, pool));
            }
            writer.write(file);
        }
        return new SynthResult(file, plan.tensors().size(), plan.parameters(), Files.size(file));
    }

    /** Rows of {@code t}: drawn (or copied), then converted to its type, in parallel over rows. */
    private static TensorSource source(PlannedTensor t, long seed, WorkerPool pool) {
        Quantizer quantizer = WeightFormats.quantizer(t.type());
        int rowLength = Math.toIntExact(t.rowLength());
        long rowBytes = t.type().byteSize(rowLength);
        return switch (t.values()) {
            case Values.Fixed fixed -> (firstRow, rows, dst) ->
                    quantizer.quantize(fixed.values(), Math.toIntExact(firstRow * rowLength), rows * rowLength, dst, 0);
            case Values.Gaussian g -> {
                long tensorSeed = RandomRows.tensorSeed(seed, t.name());
                yield (firstRow, rows, dst) -> pool.forRanges(rows, Math.max(1, ELEMENTS_PER_RANGE / rowLength),
                        (from, to) -> {
                            float[] row = new float[rowLength];
                            for (int r = from; r < to; r++) {
                                RandomRows.gaussian(tensorSeed, firstRow + r, row, rowLength, g.mean(), g.std());
                                quantizer.quantize(row, 0, rowLength, dst, r * rowBytes);
                            }
                        });
            }
        };
    }

    // the tensors in the order llama.cpp's converter writes them, named as llama.cpp reads them
    private static List<PlannedTensor> tensors(Preset p, SynthType type) {
        Tensors t = new Tensors(p, type);
        t.matrix("token_embd.weight", Role.TOKEN_EMBEDDING, -1, p.vocabularySize(), p.dim(),
                new Values.Gaussian(0, EMBEDDING_SCALE / Math.sqrt(p.dim())));
        if (p.ropeScaling() != null) {
            float[] factors = p.ropeScaling().frequencyFactors(p.headDim(), p.ropeTheta());
            t.vector("rope_freqs.weight", factors.length, new Values.Fixed(factors));
        }
        double residualGain = 1 / Math.sqrt(2.0 * p.layers());
        for (int i = 0; i < p.layers(); i++) {
            t.vector(blk(i, "attn_norm.weight"), p.dim(), new Values.Gaussian(1, NORM_STD));
            t.matrix(blk(i, "attn_q.weight"), Role.ATTN_Q, i, p.qDim(), p.dim(), fanIn(p.dim(), 1));
            t.matrix(blk(i, "attn_k.weight"), Role.ATTN_K, i, p.kvDim(), p.dim(), fanIn(p.dim(), 1));
            t.matrix(blk(i, "attn_v.weight"), Role.ATTN_V, i, p.kvDim(), p.dim(), fanIn(p.dim(), 1));
            if (p.family().qkvBias()) {
                t.vector(blk(i, "attn_q.bias"), p.qDim(), new Values.Gaussian(0, BIAS_STD));
                t.vector(blk(i, "attn_k.bias"), p.kvDim(), new Values.Gaussian(0, BIAS_STD));
                t.vector(blk(i, "attn_v.bias"), p.kvDim(), new Values.Gaussian(0, BIAS_STD));
            }
            t.matrix(blk(i, "attn_output.weight"), Role.ATTN_OUTPUT, i, p.dim(), p.qDim(), fanIn(p.qDim(), residualGain));
            t.vector(blk(i, "ffn_norm.weight"), p.dim(), new Values.Gaussian(1, NORM_STD));
            t.matrix(blk(i, "ffn_gate.weight"), Role.FFN_GATE, i, p.ffnDim(), p.dim(), fanIn(p.dim(), 1));
            t.matrix(blk(i, "ffn_up.weight"), Role.FFN_UP, i, p.ffnDim(), p.dim(), fanIn(p.dim(), 1));
            t.matrix(blk(i, "ffn_down.weight"), Role.FFN_DOWN, i, p.dim(), p.ffnDim(), fanIn(p.ffnDim(), residualGain));
        }
        t.vector("output_norm.weight", p.dim(), new Values.Gaussian(1, NORM_STD));
        if (!p.tiedEmbeddings()) {
            t.matrix("output.weight", Role.OUTPUT, -1, p.vocabularySize(), p.dim(),
                    new Values.Gaussian(0, 1 / Math.sqrt(p.dim())));
        }
        return t.list;
    }

    private static Values fanIn(int fanIn, double gain) {
        return new Values.Gaussian(0, gain / Math.sqrt(fanIn));
    }

    /** Collects planned tensors, typing each as llama.cpp would. */
    private record Tensors(Preset preset, SynthType type, List<PlannedTensor> list) {
        Tensors(Preset preset, SynthType type) {
            this(preset, type, new ArrayList<>());
        }

        /** A {@code [rows][cols]} matrix: GGUF shape {@code [cols, rows]}. */
        void matrix(String name, Role role, int layer, int rows, int cols, Values values) {
            list.add(new PlannedTensor(name, TensorTypes.choose(type, role, layer, preset.layers(), cols,
                    preset.tiedEmbeddings()), Shape.of(cols, rows), values));
        }

        void vector(String name, int n, Values values) {
            list.add(new PlannedTensor(name, TensorTypes.choose(type, Role.VECTOR, -1, preset.layers(), n,
                    preset.tiedEmbeddings()), Shape.of(n), values));
        }
    }

    /** The metadata llama.cpp's converter and quantizer write for such a model, in their order. */
    private static GgufWriter metadata(Preset p, SynthType type) {
        String a = p.family().architecture();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", a);
        w.putString("general.type", "model");
        w.putString("general.name", "Synthetic " + p.displayName());
        w.putUInt32(a + ".block_count", p.layers());
        w.putUInt32(a + ".context_length", p.contextLength());
        w.putUInt32(a + ".embedding_length", p.dim());
        w.putUInt32(a + ".feed_forward_length", p.ffnDim());
        w.putUInt32(a + ".attention.head_count", p.heads());
        w.putUInt32(a + ".attention.head_count_kv", p.kvHeads());
        w.putFloat32(a + ".rope.freq_base", (float) p.ropeTheta());
        w.putFloat32(a + ".attention.layer_norm_rms_epsilon", p.rmsEps());
        if (p.family() == Family.LLAMA3) {
            // convert_hf_to_gguf.py states these for Llama; qwen2 files leave them to their defaults
            w.putUInt32(a + ".attention.key_length", p.headDim());
            w.putUInt32(a + ".attention.value_length", p.headDim());
            w.putUInt32(a + ".vocab_size", p.vocabularySize());
            w.putUInt32(a + ".rope.dimension_count", p.headDim());
        }
        w.putUInt32("general.file_type", type.fileType());
        vocabulary(w, p);
        w.putUInt32("general.quantization_version", 2);
        return w;
    }

    private static void vocabulary(GgufWriter w, Preset p) {
        SyntheticVocabulary v = SyntheticVocabulary.of(p);
        int[] types = new int[v.types().length];
        for (int i = 0; i < types.length; i++) {
            types[i] = v.types()[i].id();
        }
        Family f = p.family();
        w.putString(GgufVocabularies.MODEL, "gpt2");
        w.putString(GgufVocabularies.PRE, f.preTokenizer());
        w.putStringArray(GgufVocabularies.TOKENS, v.tokens());
        w.putInt32Array(GgufVocabularies.TOKEN_TYPES, types);
        w.putStringArray(GgufVocabularies.MERGES, v.merges());
        w.putUInt32("tokenizer.ggml.bos_token_id", v.id(f.bos()));
        w.putUInt32("tokenizer.ggml.eos_token_id", v.id(f.eos()));
        if (f.padding() != null) {
            w.putUInt32("tokenizer.ggml.padding_token_id", v.id(f.padding()));
        }
        w.putBool("tokenizer.ggml.add_bos_token", f.addBos());
        w.putString("tokenizer.chat_template", ChatTemplates.named(f.chatTemplate()).source());
    }
}
