package dev.hearth.train.llama;

/**
 * The shape of a Llama-architecture model being trained: what llama.cpp reads from
 * {@code llama.*} in the GGUF the training writes.
 *
 * @param vocabularySize rows of the token embedding (the tokenizer's size)
 * @param contextLength positions the model is trained on and will allow
 * @param dim width of the residual stream
 * @param layers transformer blocks
 * @param heads query heads, dividing {@code dim}
 * @param kvHeads key/value heads, dividing {@code heads} (grouped-query attention when fewer)
 * @param ffnDim inner width of the SwiGLU feed-forward network
 * @param ropeTheta RoPE's base frequency
 * @param rmsEps RMSNorm's epsilon
 * @param tiedEmbeddings whether the output projection is the token embedding (no {@code output.weight})
 */
public record LlamaShape(
        int vocabularySize,
        int contextLength,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int ffnDim,
        double ropeTheta,
        float rmsEps,
        boolean tiedEmbeddings) {

    public LlamaShape {
        positive("vocabulary size", vocabularySize);
        positive("context length", contextLength);
        positive("dim", dim);
        positive("layers", layers);
        positive("heads", heads);
        positive("kv heads", kvHeads);
        positive("ffn dim", ffnDim);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("kv heads " + kvHeads + " do not divide heads " + heads);
        }
        if ((dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + dim / heads + " (dim / heads) must be even for RoPE");
        }
        if (!(ropeTheta > 0) || !(rmsEps > 0)) {
            throw new IllegalArgumentException("rope theta and rms eps must be positive, got " + ropeTheta + " and "
                    + rmsEps);
        }
    }

    public int headDim() {
        return dim / heads;
    }

    /** Width of the key (and value) projections: {@code kvHeads · headDim}. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /**
     * The floating-point operations one training token costs, by the usual count (Kaplan et al.):
     * {@code 6} per matrix parameter (the forward product, and the backward pass's two), the output
     * projection included and the embedding lookup not, plus causal attention's
     * {@code 6 · layers · seqLen · dim} (scores and weighted values, each position seeing half the
     * sequence on average). The classifier's recomputation in the backward pass is not counted.
     */
    public double trainingFlopsPerToken(int seqLen) {
        long perLayer = 2L * dim * dim + 2L * kvDim() * dim + 3L * ffnDim * dim;
        long matrices = layers * perLayer + (long) vocabularySize * dim;
        return 6.0 * matrices + 6.0 * layers * seqLen * dim;
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
