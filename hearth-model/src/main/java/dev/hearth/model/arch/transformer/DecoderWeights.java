package dev.hearth.model.arch.transformer;

import dev.hearth.compute.tensor.Tensor;

import java.util.List;

/**
 * The weights of a decoder-only transformer. Matrices are {@link Tensor}s in the file's own types
 * (quantized or not), mapped from the file; norm weights and biases are small and live on the heap
 * as floats. Shapes are written {@code [rows][cols]}: {@code y = W·x} maps {@code cols} to
 * {@code rows}.
 *
 * @param tokenEmbedding {@code [vocabularySize][dim]}
 * @param layers one per transformer block
 * @param outputNorm {@code [dim]}
 * @param output {@code [vocabularySize][dim]}; the token embedding itself when the model ties them
 */
public record DecoderWeights(Tensor tokenEmbedding, List<Layer> layers, float[] outputNorm, Tensor output) {

    public DecoderWeights {
        layers = List.copyOf(layers);
    }

    /**
     * One transformer block. Optional parts are null where an architecture has none.
     *
     * @param attentionNorm {@code [dim]}
     * @param wq {@code [heads·headDim][dim]}
     * @param wk {@code [kvHeads·headDim][dim]}
     * @param wv {@code [kvHeads·valueDim][dim]}
     * @param wo {@code [dim][heads·valueDim]}
     * @param qBias {@code [heads·headDim]} or null (Qwen2 has Q/K/V biases)
     * @param kBias {@code [kvHeads·headDim]} or null
     * @param vBias {@code [kvHeads·valueDim]} or null
     * @param qNorm {@code [headDim]} RMSNorm of each query head before RoPE, or null (Qwen3 has it)
     * @param kNorm {@code [headDim]} RMSNorm of each key head before RoPE, or null
     * @param ffnNorm {@code [dim]}
     * @param gate {@code [ffnDim][dim]}
     * @param up {@code [ffnDim][dim]}
     * @param down {@code [dim][ffnDim]}
     */
    public record Layer(
            float[] attentionNorm,
            Tensor wq, Tensor wk, Tensor wv, Tensor wo,
            float[] qBias, float[] kBias, float[] vBias,
            float[] qNorm, float[] kNorm,
            float[] ffnNorm,
            Tensor gate, Tensor up, Tensor down) {

        /**
         * The block every Llama-family model has, under llama.cpp's tensor names
         * ({@code blk.N.attn_norm.weight} …), validated against {@code config}; no biases, no
         * query/key norms.
         */
        public static Layer read(ModelTensors tensors, DecoderConfig c, int i) {
            return new Layer(
                    tensors.vector(blk(i, "attn_norm.weight"), c.dim()),
                    tensors.matrix(blk(i, "attn_q.weight"), c.qDim(), c.dim()),
                    tensors.matrix(blk(i, "attn_k.weight"), c.kvDim(), c.dim()),
                    tensors.matrix(blk(i, "attn_v.weight"), c.kvValueDim(), c.dim()),
                    tensors.matrix(blk(i, "attn_output.weight"), c.dim(), c.attentionDim()),
                    null, null, null,
                    null, null,
                    tensors.vector(blk(i, "ffn_norm.weight"), c.dim()),
                    tensors.matrix(blk(i, "ffn_gate.weight"), c.ffnDim(), c.dim()),
                    tensors.matrix(blk(i, "ffn_up.weight"), c.ffnDim(), c.dim()),
                    tensors.matrix(blk(i, "ffn_down.weight"), c.dim(), c.ffnDim()));
        }

        /** This block with biases added to the Q, K and V projections. */
        public Layer withQkvBias(float[] q, float[] k, float[] v) {
            return new Layer(attentionNorm, wq, wk, wv, wo, q, k, v, qNorm, kNorm, ffnNorm, gate, up, down);
        }

        /** This block with an RMSNorm on every query and key head. */
        public Layer withQkNorm(float[] q, float[] k) {
            return new Layer(attentionNorm, wq, wk, wv, wo, qBias, kBias, vBias, q, k, ffnNorm, gate, up, down);
        }
    }

    /** The GGUF name of tensor {@code suffix} in block {@code layer}: {@code blk.3.attn_q.weight}. */
    public static String blk(int layer, String suffix) {
        return "blk." + layer + "." + suffix;
    }
}
