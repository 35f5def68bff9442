package dev.hearth.train.nn;

/** Token embedding: {@code out[r] = table[tokens[r]]}. */
public final class Embedding {
    private Embedding() {}

    /** {@code out[r][0..dim) = table[tableOffset + tokens[r]·dim ..]} for each row. */
    public static void forward(float[] out, int[] tokens, int rows, float[] table, long tableOffset, int dim) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(table, (int) (tableOffset + (long) tokens[r] * dim), out, r * dim, dim);
        }
    }

    /** {@code dTable[tokens[r]] += dOut[r]}, rows in order (a token seen twice sums in a fixed order). */
    public static void backward(float[] dTable, long tableOffset, float[] dOut, int[] tokens, int rows, int dim) {
        for (int r = 0; r < rows; r++) {
            int base = (int) (tableOffset + (long) tokens[r] * dim);
            for (int j = 0; j < dim; j++) {
                dTable[base + j] += dOut[r * dim + j];
            }
        }
    }
}
