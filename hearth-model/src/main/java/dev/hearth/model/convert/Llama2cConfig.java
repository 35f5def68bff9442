package dev.hearth.model.convert;

/**
 * The hyperparameters in a llama2.c checkpoint's header, named as in llama2.c's {@code run.c}.
 *
 * @param dim model (embedding) width
 * @param hiddenDim width of the feed-forward layer
 * @param layers number of transformer blocks
 * @param heads number of query heads
 * @param kvHeads number of key/value heads (grouped-query attention when fewer than {@code heads})
 * @param vocabSize number of tokens, always positive (the legacy header's sign is {@code sharedClassifier})
 * @param seqLen maximum context length
 * @param sharedClassifier whether the output classifier re-uses the token-embedding table
 */
record Llama2cConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen,
        boolean sharedClassifier) {

    /** Width of one attention head. */
    int headSize() {
        return dim / heads;
    }

    /** Width of the key and value projections: {@code kvHeads} heads of {@link #headSize()}. */
    int kvDim() {
        return headSize() * kvHeads;
    }

    /** The header as llama2.c names it, for error messages. */
    String describe() {
        return "dim=" + dim + ", hidden_dim=" + hiddenDim + ", n_layers=" + layers + ", n_heads=" + heads
                + ", n_kv_heads=" + kvHeads + ", vocab_size=" + vocabSize + ", seq_len=" + seqLen
                + (sharedClassifier ? ", shared classifier" : ", separate classifier");
    }
}
