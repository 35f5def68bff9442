package dev.hearth.model.runtime;

import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.tokenizer.Tokenizer;

import java.util.List;

/**
 * A decoder-only language model ready to run: its tokenizer, and a forward pass that extends a
 * sequence held in a {@link KvCache} and returns next-token logits.
 *
 * <p>Open one with {@link Models#open}. A model shares its read-only weights with any number of
 * caches (sequences), but runs one forward pass at a time: its activation buffers and its
 * {@link dev.hearth.compute.kernels.Kernels} are reused from call to call, so a forward pass
 * allocates nothing per token. Callers that run sequences concurrently serialise calls to
 * {@code forward}.
 *
 * <p>LoRA adapters apply per sequence: {@link #lora} checks them against the model, and a cache
 * made with the resulting set ({@link #newCache(LoraSet)}, or
 * {@link KvBlockPool#newSequence(int, int[], LoraSet)}) has every forward pass over it add the
 * adapters' products, {@code y = W·x + s·B·(A·x)}, to the base ones. Sequences with different
 * adapters, or none, run in one {@link Batch} together.
 */
public interface Model extends AutoCloseable {

    /** Architecture and dimensions. */
    ModelInfo info();

    /** The GGUF metadata the model was built from. */
    GgufMetadata metadata();

    /** The tokenizer the GGUF file describes. */
    Tokenizer tokenizer();

    /**
     * The LoRA adapters {@code adapters}, each at its scale, checked against this model and laid
     * out for its forward pass; adapters at scale 0 are left out. Thread-safe.
     *
     * @throws ModelLoadException naming the adapter's file and the key or tensor when an adapter is
     *     for another architecture, or changes a tensor this model lacks or has in other dimensions
     */
    LoraSet lora(List<ScaledLora> adapters);

    /**
     * An empty cache for a sequence of up to {@code contextLength} positions, whose forward passes
     * apply {@code lora}.
     *
     * @throws ModelLoadException naming {@code {arch}.context_length} when {@code contextLength}
     *     exceeds what the model was trained for
     * @throws IllegalArgumentException when {@code contextLength} is not positive, or {@code lora}
     *     was made by another model
     */
    KvCache newCache(int contextLength, KvPrecision precision, LoraSet lora);

    /** As {@link #newCache(int, KvPrecision, LoraSet)}, without adapters. */
    default KvCache newCache(int contextLength, KvPrecision precision) {
        return newCache(contextLength, precision, LoraSet.NONE);
    }

    /**
     * An empty cache with the model's full context length, cut down to the options'
     * {@link ModelOptions#kvMemoryBudget()}, in the options' precision, whose forward passes apply
     * {@code lora}.
     *
     * @throws IllegalArgumentException when {@code lora} was made by another model
     */
    KvCache newCache(LoraSet lora);

    /** As {@link #newCache(LoraSet)}, without adapters. */
    default KvCache newCache() {
        return newCache(LoraSet.NONE);
    }

    /**
     * Runs {@code tokens} at the cache's next positions ({@code cache.size()} onwards), with causal
     * attention over everything before each of them, appends their keys and values to the cache,
     * and writes the last token's logits into {@code logits[0 .. vocabularySize)}.
     *
     * <p>Several tokens (a prompt) go through the weights together, a batch at a time; one token is
     * the decode step. Both give the same logits, up to float rounding.
     *
     * @throws IllegalArgumentException if {@code tokens} is empty, holds an id outside the
     *     vocabulary, or {@code logits} is too short, or the cache (or its adapters) was made for
     *     another model
     * @throws IllegalStateException if the tokens do not fit in the cache; nothing is appended then
     */
    void forward(KvCache cache, int[] tokens, float[] logits);

    /**
     * One step of continuous batching: runs every sequence's tokens in {@code batch} at its cache's
     * next positions, all through the weights together, and writes the logits of the {@code i}-th
     * sequence's last token into {@code logits[i·vocabularySize ..]}. Each sequence gets the same
     * logits as {@link #forward(KvCache, int[], float[])} would give it alone, up to float rounding.
     *
     * @throws IllegalArgumentException if the batch is empty or holds more than
     *     {@link #maxBatchTokens()} tokens, a token is outside the vocabulary, {@code logits} is too
     *     short, or a cache was made for another model
     * @throws IllegalStateException if a sequence's tokens do not fit in its cache; nothing is
     *     appended to any cache then
     */
    void forward(Batch batch, float[] logits);

    /** The most tokens one {@link #forward(Batch, float[])} step may hold: the options' batch size. */
    int maxBatchTokens();

    /**
     * A pool of KV blocks of {@code blockSize} positions for this model's layers and heads, as many
     * as fit in {@code memoryBudget} bytes, with prefix reuse; for many sequences at once.
     *
     * @throws IllegalArgumentException if the budget holds no block
     */
    KvBlockPool newBlockPool(long memoryBudget, int blockSize, KvPrecision precision);

    /**
     * As {@link #forward(KvCache, int[], float[])}, but writes every token's logits:
     * {@code logits[t·vocabularySize ..]} for the {@code t}-th token. For tests and scoring.
     */
    void forwardAll(KvCache cache, int[] tokens, float[] logits);

    /**
     * A sentence embedding of {@code tokens}: the hidden states after the final norm, pooled as
     * {@code pooling} says and L2-normalised, {@link ModelInfo#embeddingLength()} long. Runs in a
     * cache of its own, which it frees.
     *
     * @throws IllegalArgumentException if {@code tokens} is empty, longer than the context, or holds an
     *     id outside the vocabulary
     */
    float[] embed(int[] tokens, Pooling pooling);

    /** As {@link #forward(KvCache, int[], float[])}, into a new array. */
    default float[] forward(KvCache cache, int... tokens) {
        float[] logits = new float[info().vocabularySize()];
        forward(cache, tokens, logits);
        return logits;
    }

    /** Releases the model file's mapping; the model must not be used afterwards. */
    @Override
    void close();
}
