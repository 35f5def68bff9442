package dev.hearth.model.runtime;

/**
 * What a loaded model is, in the terms its GGUF metadata uses.
 *
 * @param architecture {@code general.architecture}, e.g. {@code llama}, {@code qwen3}
 * @param name {@code general.name}, or the file name when absent
 * @param vocabularySize rows of the token-embedding table (the length of a logits vector)
 * @param contextLength the longest sequence the model was trained for ({@code {arch}.context_length})
 * @param embeddingLength width of the residual stream
 * @param layers transformer blocks
 * @param heads query heads
 * @param kvHeads key/value heads ({@code heads} is a multiple: grouped-query attention)
 * @param headDim elements per query/key head
 * @param feedForwardLength inner width of the feed-forward network
 */
public record ModelInfo(
        String architecture,
        String name,
        int vocabularySize,
        int contextLength,
        int embeddingLength,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int feedForwardLength) {
}
