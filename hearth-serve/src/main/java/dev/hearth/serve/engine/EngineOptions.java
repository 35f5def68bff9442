package dev.hearth.serve.engine;

import dev.hearth.model.runtime.KvPrecision;

import java.util.List;
import java.util.Objects;

/**
 * How an engine serves its model. Build with {@link #defaults()} and the {@code with…} methods.
 *
 * @param name the name clients use for the model; null: the file name without {@code .gguf}
 * @param threads worker threads of the forward pass
 * @param contextLength the longest sequence one request may have; 0: the model's own
 *     {@code context_length}, cut to what the KV budget holds
 * @param kvMemoryBudget bytes of KV cache shared by all requests, in fixed-size blocks
 * @param kvPrecision element type of the KV cache
 * @param kvBlockSize positions per KV block (also the unit of prefix reuse)
 * @param maxSequences most requests generating at once
 * @param maxQueue most requests waiting for a slot; more are refused at once
 * @param maxBatchTokens most tokens one forward step runs, over all requests
 * @param prefillChunk most prompt tokens of one request per step, so a long prompt does not stall
 *     the others' tokens
 * @param loraAdapters the LoRA adapters requests may apply, by id (their index); an engine applies
 *     those that fit its model
 */
public record EngineOptions(
        String name,
        int threads,
        int contextLength,
        long kvMemoryBudget,
        KvPrecision kvPrecision,
        int kvBlockSize,
        int maxSequences,
        int maxQueue,
        int maxBatchTokens,
        int prefillChunk,
        List<LoraAdapterFile> loraAdapters) {

    public EngineOptions {
        Objects.requireNonNull(kvPrecision, "kvPrecision");
        loraAdapters = List.copyOf(loraAdapters);
        positive("threads", threads);
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0 (0: the model's), got " + contextLength);
        }
        if (kvMemoryBudget <= 0) {
            throw new IllegalArgumentException("KV memory budget must be positive, got " + kvMemoryBudget);
        }
        positive("KV block size", kvBlockSize);
        positive("max sequences", maxSequences);
        if (maxQueue < 0) {
            throw new IllegalArgumentException("max queue must be >= 0, got " + maxQueue);
        }
        positive("max batch tokens", maxBatchTokens);
        positive("prefill chunk", prefillChunk);
        if (maxBatchTokens < maxSequences) {
            throw new IllegalArgumentException("max batch tokens (" + maxBatchTokens
                    + ") must be at least max sequences (" + maxSequences + "): every sequence needs a token per step");
        }
    }

    /**
     * Every core, the model's context, 1 GiB of F16 KV cache in blocks of 32 positions, 16
     * sequences at once, 64 waiting, 512 tokens a step, prompts 256 tokens at a time, no LoRA
     * adapters.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(null, Runtime.getRuntime().availableProcessors(), 0, 1L << 30, KvPrecision.F16,
                32, 16, 64, 512, 256, List.of());
    }

    public EngineOptions withName(String name) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withThreads(int threads) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withContextLength(int contextLength) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withKvMemoryBudget(long bytes) {
        return new EngineOptions(name, threads, contextLength, bytes, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withKvPrecision(KvPrecision precision) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, precision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withKvBlockSize(int positions) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, positions,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withMaxSequences(int maxSequences) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, Math.max(maxBatchTokens, maxSequences), prefillChunk, loraAdapters);
    }

    public EngineOptions withMaxQueue(int maxQueue) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withMaxBatchTokens(int maxBatchTokens) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withPrefillChunk(int prefillChunk) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, loraAdapters);
    }

    public EngineOptions withLoraAdapters(List<LoraAdapterFile> adapters) {
        return new EngineOptions(name, threads, contextLength, kvMemoryBudget, kvPrecision, kvBlockSize,
                maxSequences, maxQueue, maxBatchTokens, prefillChunk, adapters);
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
