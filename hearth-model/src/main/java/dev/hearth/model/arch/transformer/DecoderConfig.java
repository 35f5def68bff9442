package dev.hearth.model.arch.transformer;

/**
 * The dimensions and constants of a decoder-only transformer, read from GGUF metadata by an
 * architecture.
 *
 * @param architecture {@code general.architecture}, for messages
 * @param contextLength positions the model was trained for ({@code {arch}.context_length})
 * @param dim width of the residual stream ({@code {arch}.embedding_length})
 * @param layers transformer blocks ({@code {arch}.block_count})
 * @param heads query heads ({@code {arch}.attention.head_count})
 * @param kvHeads key/value heads, dividing {@code heads} ({@code {arch}.attention.head_count_kv})
 * @param headDim elements per query and key head ({@code {arch}.attention.key_length}, default
 *     {@code dim / heads})
 * @param valueDim elements per value head ({@code {arch}.attention.value_length}, default headDim)
 * @param ffnDim inner width of the feed-forward network ({@code {arch}.feed_forward_length})
 * @param vocabularySize rows of the token-embedding table
 * @param rmsEps the RMSNorm epsilon ({@code {arch}.attention.layer_norm_rms_epsilon})
 * @param rope how positions rotate queries and keys
 */
public record DecoderConfig(
        String architecture,
        int contextLength,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int valueDim,
        int ffnDim,
        int vocabularySize,
        float rmsEps,
        Rope rope) {

    /** Width of all query heads together. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key heads together. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Width of all value heads together. */
    public int kvValueDim() {
        return kvHeads * valueDim;
    }

    /** Width of the attention output before {@code wo}: every query head's weighted values. */
    public int attentionDim() {
        return heads * valueDim;
    }
}
