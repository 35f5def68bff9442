package dev.hearth.model.arch.transformer;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.runtime.ModelLoadException;

import java.util.OptionalLong;

/**
 * The hyperparameters every Llama-family GGUF file states under {@code {arch}.*}, with
 * llama.cpp's defaults, checked for consistency. An architecture reads these, adds what is its
 * own (its RoPE pairing, its extra tensors) and builds a {@link DecoderConfig}.
 *
 * @param ropeDims elements of each head that RoPE rotates ({@code {arch}.rope.dimension_count},
 *     default the head dimension)
 * @param ropeTheta {@code {arch}.rope.freq_base}, default 10000
 * @param ropeFreqScale 1 / {@code {arch}.rope.scaling.factor} for linear scaling, else 1
 */
public record Hyperparameters(
        String architecture,
        int contextLength,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int valueDim,
        int ffnDim,
        float rmsEps,
        int ropeDims,
        double ropeTheta,
        float ropeFreqScale) {

    /**
     * Reads {@code {arch}.*} from {@code file}'s metadata.
     *
     * @throws ModelLoadException naming the key whose value is impossible or unsupported
     * @throws dev.hearth.model.gguf.GgufFormatException naming a required key that is missing or
     *     has the wrong type
     */
    public static Hyperparameters read(GgufFile file, String arch) {
        GgufMetadata md = file.metadata();
        Keys k = new Keys(file, arch);
        int contextLength = k.positive("context_length", md.getInt(arch + ".context_length"));
        int dim = k.positive("embedding_length", md.getInt(arch + ".embedding_length"));
        int layers = k.positive("block_count", md.getInt(arch + ".block_count"));
        int ffnDim = k.positive("feed_forward_length", md.getInt(arch + ".feed_forward_length"));
        int heads = k.positive("attention.head_count", md.getInt(arch + ".attention.head_count"));
        int kvHeads = k.positive("attention.head_count_kv",
                k.intOr("attention.head_count_kv", heads));
        if (heads % kvHeads != 0) {
            throw k.problem("attention.head_count_kv", kvHeads + " key/value heads do not divide "
                    + heads + " query heads");
        }
        OptionalLong keyLength = md.findInt(arch + ".attention.key_length");
        if (keyLength.isEmpty() && dim % heads != 0) {
            throw k.problem("attention.head_count", heads + " heads do not divide embedding_length " + dim
                    + " and attention.key_length is absent");
        }
        int headDim = k.positive("attention.key_length", k.intOr("attention.key_length", dim / heads));
        int valueDim = k.positive("attention.value_length", k.intOr("attention.value_length", headDim));
        float rmsEps = (float) md.getDouble(arch + ".attention.layer_norm_rms_epsilon");
        if (!(rmsEps > 0)) {
            throw k.problem("attention.layer_norm_rms_epsilon", "must be positive, found " + rmsEps);
        }
        int ropeDims = k.intOr("rope.dimension_count", headDim);
        if (ropeDims <= 0 || ropeDims % 2 != 0 || ropeDims > headDim) {
            throw k.problem("rope.dimension_count", "must be even and at most the head dimension "
                    + headDim + ", found " + ropeDims);
        }
        double ropeTheta = md.findDouble(arch + ".rope.freq_base").orElse(10000.0);
        if (!(ropeTheta > 0)) {
            throw k.problem("rope.freq_base", "must be positive, found " + ropeTheta);
        }
        if (k.intOr("expert_count", 0) > 0) {
            throw k.problem("expert_count", "mixture-of-experts models are not supported yet");
        }
        return new Hyperparameters(arch, contextLength, dim, layers, heads, kvHeads, headDim, valueDim,
                ffnDim, rmsEps, ropeDims, ropeTheta, linearRopeScale(md, k));
    }

    /** The configuration of a model with these hyperparameters, a vocabulary and a RoPE. */
    public DecoderConfig config(int vocabularySize, Rope rope) {
        return new DecoderConfig(architecture, contextLength, dim, layers, heads, kvHeads, headDim, valueDim,
                ffnDim, vocabularySize, rmsEps, rope);
    }

    // RoPE scaling: none, or linear (positions divided by the factor); others change the angles in
    // ways (YaRN, LongRoPE) this decoder does not implement, so they are refused rather than ignored
    private static float linearRopeScale(GgufMetadata md, Keys k) {
        String arch = k.arch;
        String type = md.findString(arch + ".rope.scaling.type").orElse(null);
        double factor = md.findDouble(arch + ".rope.scaling.factor")
                .orElse(md.findDouble(arch + ".rope.scale_linear").orElse(1.0));
        if (type == null) {
            type = md.contains(arch + ".rope.scale_linear") ? "linear" : "none";
        }
        switch (type) {
            case "none" -> {
                return 1f;
            }
            case "linear" -> {
                if (!(factor > 0)) {
                    throw k.problem("rope.scaling.factor", "must be positive, found " + factor);
                }
                return (float) (1.0 / factor);
            }
            default -> throw k.problem("rope.scaling.type", "RoPE scaling '" + type
                    + "' is not supported (expected none or linear)");
        }
    }

    private record Keys(GgufFile file, String arch) {

        int intOr(String key, int fallback) {
            OptionalLong v = file.metadata().findInt(arch + "." + key);
            return v.isPresent() ? (int) v.getAsLong() : fallback;
        }

        int positive(String key, int value) {
            if (value <= 0) {
                throw problem(key, "must be positive, found " + value);
            }
            return value;
        }

        ModelLoadException problem(String key, String message) {
            return new ModelLoadException(file.path(), arch + "." + key, message);
        }
    }
}
