package dev.hearth.model.arch.bert;

import dev.hearth.compute.tensor.Tensor;

import java.util.List;

/**
 * The weights of a BERT encoder. Matrices are {@link Tensor}s mapped from the file in its types;
 * norms and biases are floats on the heap. Shapes are {@code [rows][cols]}: {@code y = W·x} maps
 * {@code cols} to {@code rows}.
 *
 * @param tokenEmbedding {@code [vocabularySize][dim]}
 * @param positionEmbedding {@code [contextLength][dim]}
 * @param tokenType {@code [dim]}: row 0 of the token-type table (every token is of type 0 in a
 *     single-text input), or null when the file has no table
 * @param embeddingNormWeight {@code [dim]}
 * @param embeddingNormBias {@code [dim]}
 */
record BertWeights(Tensor tokenEmbedding, Tensor positionEmbedding, float[] tokenType,
        float[] embeddingNormWeight, float[] embeddingNormBias, List<Layer> layers) {

    BertWeights {
        layers = List.copyOf(layers);
    }

    /**
     * One encoder block. Biases are null where a file has none.
     *
     * @param wq {@code [dim][dim]}, and {@code qBias [dim]}; likewise {@code wk}, {@code wv}
     * @param wo {@code [dim][dim]}, the attention output projection
     * @param attentionNormWeight {@code [dim]}, the LayerNorm after attention's residual sum
     * @param up {@code [ffnDim][dim]}, and {@code upBias [ffnDim]}
     * @param down {@code [dim][ffnDim]}, and {@code downBias [dim]}
     * @param outputNormWeight {@code [dim]}, the LayerNorm after the feed-forward residual sum
     */
    record Layer(
            Tensor wq, float[] qBias, Tensor wk, float[] kBias, Tensor wv, float[] vBias,
            Tensor wo, float[] oBias,
            float[] attentionNormWeight, float[] attentionNormBias,
            Tensor up, float[] upBias, Tensor down, float[] downBias,
            float[] outputNormWeight, float[] outputNormBias) {
    }
}
