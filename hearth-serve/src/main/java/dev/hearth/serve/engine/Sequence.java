package dev.hearth.serve.engine;

import dev.hearth.model.generate.EndOfGeneration;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.sampling.Candidates;
import dev.hearth.model.sampling.SamplerChain;
import dev.hearth.model.sampling.Samplers;
import dev.hearth.model.sampling.StopStringMatcher;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One request inside the engine: waiting for a slot, then prefilling its prompt chunk by chunk,
 * then decoding a token per step until it stops. Everything but {@link #cancel()} runs on the
 * engine's thread.
 */
final class Sequence implements Completion {
    final CompletionRequest request;
    final int[] prompt;
    final int maxPositions;      // positions the cache needs: prompt and output, less the last token, which never runs
    final LoraSet lora;          // the adapters its cache applies
    private final int contextLength;
    private final CompletionListener listener;
    private final CompletableFuture<CompletionResult> result = new CompletableFuture<>();
    private final long submitted = System.nanoTime();
    private volatile boolean cancelled;

    private KvCache cache;           // null until admitted, and again once released
    private Runnable onRelease;      // tells the engine the slot is free, before the listener hears of the end
    private int prefilled;           // prompt tokens in the cache
    private int cachedPrompt;        // of those, found in the prefix cache
    private long admitted;
    private long firstToken;
    private SamplerChain sampler;
    private StreamingDecoder decoder;
    private StopStringMatcher stops;
    private final StringBuilder text = new StringBuilder();
    private int[] generated = new int[16];
    private int count;
    private final int[] next = new int[1]; // the last generated token, which the next step runs
    private boolean ended;

    Sequence(CompletionRequest request, CompletionListener listener, int contextLength, LoraSet lora) {
        this.request = request;
        this.lora = lora;
        this.prompt = request.prompt();
        this.listener = listener;
        this.contextLength = contextLength;
        this.maxPositions = (int) Math.min(contextLength, Math.max(1, (long) prompt.length + request.params().maxTokens() - 1));
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public CompletableFuture<CompletionResult> result() {
        return result;
    }

    /** Starts running in {@code cache}, which may already hold a prefix of the prompt. */
    void admit(KvCache cache, StreamingDecoder decoder, Runnable onRelease) {
        this.cache = cache;
        this.onRelease = onRelease;
        this.prefilled = cache.size();
        this.cachedPrompt = cache.size();
        this.admitted = System.nanoTime();
        this.sampler = Samplers.fromParams(request.params().sampling());
        for (int token : prompt) { // penalties look back over the prompt too, as llama.cpp's do
            sampler.accept(token);
        }
        this.decoder = decoder;
        this.stops = StopStringMatcher.of(request.params().stopStrings());
    }

    KvCache cache() {
        return cache;
    }

    int cachedPromptTokens() {
        return cachedPrompt;
    }

    /** Whether the whole prompt is in the cache: each step then leaves logits to choose a token from. */
    boolean decoding() {
        return prefilled == prompt.length;
    }

    /** Puts this sequence's next tokens in the batch: its last token, or up to {@code budget} of its prompt. */
    int addTo(Batch batch, int budget) {
        if (decoding()) {
            batch.add(cache, next, 0, 1);
            return 1;
        }
        int n = Math.min(budget, prompt.length - prefilled);
        batch.add(cache, prompt, prefilled, n);
        prefilled += n;
        return n;
    }

    /**
     * Chooses the next token from {@code row} (this sequence's logits, which the call may change),
     * streams it, and says whether the sequence has ended.
     */
    boolean sample(float[] row, Candidates candidates, EndOfGeneration endTokens, Logprobs logprobs) {
        if (request.params().maxTokens() == 0) {
            return end(StopReason.MAX_TOKENS);
        }
        TokenConstraint constraint = request.constraint();
        if (constraint != null) {
            constraint.mask(row);
        }
        TokenLogprob logprob = null;
        candidates.fill(row);
        int token = sampler.sample(candidates);
        if (request.topLogprobs() >= 0) {
            logprob = logprobs.of(row, token, request.topLogprobs());
        }
        if (firstToken == 0) {
            firstToken = System.nanoTime();
        }
        if (endTokens.contains(token)) {
            return end(StopReason.END_OF_GENERATION);
        }
        if (constraint != null) {
            constraint.accept(token);
        }
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, 2 * count);
        }
        generated[count++] = token;
        StopStringMatcher.Output piece = stops.accept(decoder.accept(token));
        text.append(piece.text());
        listener.onToken(new TokenOutput(token, piece.text(), logprob));
        if (piece.stopped()) {
            return end(StopReason.STOP_STRING);
        }
        if (constraint != null && constraint.complete()) {
            return end(StopReason.END_OF_GENERATION);
        }
        if (count == request.params().maxTokens()) {
            return end(StopReason.MAX_TOKENS);
        }
        if (prompt.length + count == contextLength) { // prompt and output together fill the context
            return end(StopReason.CONTEXT_FULL);
        }
        next[0] = token;
        return false;
    }

    /**
     * Ends the sequence: releases the text still held back, reports the result, and gives the KV
     * blocks back. Safe to call once more (it does nothing then).
     */
    boolean end(StopReason reason) {
        if (ended) {
            return true;
        }
        ended = true;
        if (decoder != null && reason != StopReason.STOP_STRING) {
            StopStringMatcher.Output rest = stops.accept(decoder.flush());
            String tail = rest.stopped() ? rest.text() : rest.text() + stops.flush();
            if (rest.stopped()) {
                reason = StopReason.STOP_STRING;
            }
            if (!tail.isEmpty()) {
                text.append(tail);
                if (reason != StopReason.CANCELLED) { // nobody is listening to a cancelled one
                    listener.onToken(new TokenOutput(TokenOutput.END, tail, null));
                }
            }
        }
        release();
        long now = System.nanoTime();
        long started = admitted == 0 ? now : admitted;
        CompletionResult done = new CompletionResult(Arrays.copyOf(generated, count), text.toString(), reason,
                prompt.length, cachedPrompt, (started - submitted) / 1e9,
                firstToken == 0 ? 0 : (firstToken - submitted) / 1e9, firstToken == 0 ? 0 : (now - firstToken) / 1e9);
        try {
            listener.onComplete(done);
        } finally {
            result.complete(done);
        }
        return true;
    }

    /** Ends the sequence with an error. */
    void fail(Throwable error) {
        if (ended) {
            return;
        }
        ended = true;
        release();
        try {
            listener.onError(error);
        } finally {
            result.completeExceptionally(error);
        }
    }

    int generatedCount() {
        return count;
    }

    private void release() {
        if (cache != null) {
            cache.close();
            cache = null;
            onRelease.run();
        }
    }
}
