package dev.hearth.model.arch.bert;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.arch.transformer.Rope;

import java.util.List;

/**
 * The weights of a BERT-family encoder. Matrices are {@link Tensor}s mapped from the file in its
 * types; norms and biases are floats on the heap. Shapes are {@code [rows][cols]}: {@code y = W·x}
 * maps {@code cols} to {@code rows}.
 *
 * <p>The members of the family differ in three places, each a small type here rather than a
 * branch of the encoder: how positions enter ({@link Positions}), whether Q, K and V come from one
 * matrix or three ({@link Qkv}), and the feed-forward network ({@link FeedForward}).
 *
 * @param tokenEmbedding {@code [vocabularySize][dim]}
 * @param positions learned position rows added to the input, or rotary position embedding
 * @param tokenType {@code [dim]}: row 0 of the token-type table (every token is of type 0 in a
 *     single-text input), or null when the file has no table
 * @param embeddingNorm the LayerNorm over the summed input embeddings
 */
record BertWeights(Tensor tokenEmbedding, Positions positions, float[] tokenType, Norm embeddingNorm,
        List<Layer> layers) {

    BertWeights {
        layers = List.copyOf(layers);
    }

    /** Row 0 of {@code token_types.weight [types][dim]}, or null when the file has no such table. */
    static float[] firstTokenType(ModelTensors tensors, int dim) {
        if (!tensors.contains("token_types.weight")) {
            return null;
        }
        Tensor types = tensors.matrixWithRowLength("token_types.weight", dim);
        float[] row = new float[dim];
        types.dequantizeRow(0, row, 0);
        return row;
    }

    /**
     * One encoder block (post-norm: each sub-layer's output is added to its input, then normalised).
     *
     * @param qkv the query, key and value projections
     * @param output {@code [dim][dim]}, the attention output projection
     * @param attentionNorm the LayerNorm after attention's residual sum
     * @param ffn the feed-forward network
     * @param outputNorm the LayerNorm after the feed-forward residual sum
     */
    record Layer(Qkv qkv, Linear output, Norm attentionNorm, FeedForward ffn, Norm outputNorm) {
    }

    /** {@code y = W·x + bias}; {@code bias} is null where the file has none. */
    record Linear(Tensor weight, float[] bias) {
    }

    /** A LayerNorm's {@code [dim]} scale and shift. */
    record Norm(float[] weight, float[] bias) {

        /** {@code {prefix}.weight} and {@code {prefix}.bias}, both required. */
        static Norm read(ModelTensors tensors, String prefix, int dim) {
            return new Norm(tensors.vector(prefix + ".weight", dim), tensors.vector(prefix + ".bias", dim));
        }
    }

    /** Where a token's position enters the computation. */
    sealed interface Positions {
        /** BERT: row {@code t} of {@code table [contextLength][dim]} is added to token {@code t}'s embedding. */
        record Learned(Tensor table) implements Positions {
        }

        /** nomic-bert: queries and keys are rotated by their position in every layer. */
        record Rotary(Rope rope) implements Positions {
        }
    }

    /** The projections from the hidden states to queries, keys and values. */
    sealed interface Qkv {
        /** BERT: {@code q}, {@code k} and {@code v}, each {@code [dim][dim]}. */
        record Separate(Linear q, Linear k, Linear v) implements Qkv {
        }

        /** nomic-bert: {@code qkv [3·dim][dim]}, whose output rows are the query, then the key, then the value. */
        record Fused(Linear qkv) implements Qkv {
        }
    }

    /** The feed-forward network. */
    sealed interface FeedForward {
        /** BERT: {@code down · gelu(up·x + bUp) + bDown}; {@code up [ffnDim][dim]}, {@code down [dim][ffnDim]}. */
        record Gelu(Linear up, Linear down) implements FeedForward {
        }

        /** nomic-bert: {@code down · (silu(gate·x) ⊙ up·x)}, no biases; {@code gate}, {@code up [ffnDim][dim]}. */
        record SwiGlu(Tensor gate, Tensor up, Tensor down) implements FeedForward {
        }
    }
}
