package dev.hearth.train.llama;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.train.nn.Embedding;

/** The token embedding: rows looked up by id, trained in pretraining and frozen (any type) in fine-tuning. */
public sealed interface TokenTable {

    void forward(float[] out, int[] tokens, int rows, int dim);

    void backward(float[] dOut, int[] tokens, int rows, int dim);

    /** Rows of a float32 parameter slot, with their gradient at the same offset. */
    record Trained(float[] values, float[] gradients, long offset) implements TokenTable {
        @Override
        public void forward(float[] out, int[] tokens, int rows, int dim) {
            Embedding.forward(out, tokens, rows, values, offset, dim);
        }

        @Override
        public void backward(float[] dOut, int[] tokens, int rows, int dim) {
            Embedding.backward(gradients, offset, dOut, tokens, rows, dim);
        }
    }

    /** A frozen tensor of any type, each row dequantized as it is looked up. */
    record Frozen(Tensor table) implements TokenTable {
        @Override
        public void forward(float[] out, int[] tokens, int rows, int dim) {
            for (int r = 0; r < rows; r++) {
                table.dequantizeRow(tokens[r], out, r * dim);
            }
        }

        @Override
        public void backward(float[] dOut, int[] tokens, int rows, int dim) {
            // frozen: nothing to accumulate
        }
    }
}
