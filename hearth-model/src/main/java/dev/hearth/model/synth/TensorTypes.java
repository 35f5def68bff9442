package dev.hearth.model.synth;

import dev.hearth.compute.tensor.GgmlType;

/**
 * The type each tensor gets in a file of a given {@link SynthType}, chosen as llama.cpp's
 * {@code llama-quantize} chooses it ({@code src/llama-quant.cpp}, {@code llama_tensor_get_type})
 * for the tensors of a dense Llama/Qwen2 model, so that a synthetic file has the type mix of a
 * real one.
 *
 * <ul>
 * <li>Vectors (norms, biases, RoPE factors) stay F32; llama.cpp quantizes only matrices.
 * <li>F16 files: every matrix F16.
 * <li>The output projection, and the token embedding when it doubles as the output (tied):
 *     Q8_0 if its rows are not whole blocks of the file's default type, else Q6_K unless the
 *     default type is Q8_0.
 * <li>Q4_K_M: {@code attn_v} and {@code ffn_down} in Q6_K in the layers {@link #usesMoreBits}
 *     picks (the first and last eighth, and every third between).
 * <li>Last, a type whose block does not divide the row length falls back: Q4_K to Q5_0, Q6_K to
 *     Q8_0, and F16 if even that does not fit ({@code tensor_type_fallback}). Qwen2.5-0.5B's 896-wide
 *     rows are 3.5 super-blocks, so most of its Q4_K_M matrices are Q5_0 and its tied embedding Q8_0.
 * </ul>
 */
final class TensorTypes {

    /** What a tensor is, as far as the choice of type goes. */
    enum Role {
        TOKEN_EMBEDDING, OUTPUT, ATTN_Q, ATTN_K, ATTN_V, ATTN_OUTPUT, FFN_GATE, FFN_UP, FFN_DOWN, VECTOR
    }

    private TensorTypes() {}

    /**
     * The type of a tensor.
     *
     * @param layer its block, for the per-layer rules (any value for tensors outside the blocks)
     * @param layers the model's block count
     * @param rowLength its dimension 0
     * @param tied whether the token embedding is also the output projection
     */
    static GgmlType choose(SynthType file, Role role, int layer, int layers, long rowLength, boolean tied) {
        if (role == Role.VECTOR) {
            return GgmlType.F32;
        }
        GgmlType type = file.defaultType();
        if (file == SynthType.F16) {
            return type; // not a quantized type: llama.cpp applies none of its rules
        }
        if (role == Role.OUTPUT || (tied && role == Role.TOKEN_EMBEDDING)) {
            if (rowLength % type.blockSize() != 0) {
                type = GgmlType.Q8_0;
            } else if (type != GgmlType.Q8_0) {
                type = GgmlType.Q6_K;
            }
        } else if (file == SynthType.Q4_K_M && (role == Role.ATTN_V || role == Role.FFN_DOWN)
                && usesMoreBits(layer, layers)) {
            type = GgmlType.Q6_K;
        }
        return fallback(type, rowLength);
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    static boolean usesMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    private static GgmlType fallback(GgmlType type, long rowLength) {
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("rows of " + rowLength + " are not whole " + type
                    + " blocks, and llama.cpp has no fallback for " + type);
        };
        return rowLength % fallback.blockSize() == 0 ? fallback : GgmlType.F16;
    }
}
