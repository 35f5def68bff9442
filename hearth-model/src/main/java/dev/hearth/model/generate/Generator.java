package dev.hearth.model.generate;

import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.sampling.Candidates;
import dev.hearth.model.sampling.SamplerChain;
import dev.hearth.model.sampling.Samplers;
import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.model.sampling.StopStringMatcher;
import dev.hearth.model.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The generation loop: run the prompt, then choose a token from the logits, stream its text, and
 * feed it back, until an end-of-generation token, a stop string, the token limit, cancellation or
 * a full cache.
 *
 * <p>Text is streamed through the tokenizer's {@link StreamingDecoder}, so a character split
 * across tokens is emitted whole, and then through a {@link StopStringMatcher}, so text that may
 * begin a stop string is held back until it is settled. The end-of-generation tokens are computed
 * once, when the generator is made ({@link EndOfGeneration}). Apart from decoding text, the loop
 * allocates nothing per token: logits and candidates are buffers of the generator.
 *
 * <p>Not thread-safe: one generator drives one {@link Model}, which runs one forward pass at a
 * time. A generator may run any number of generations, one after another, on any caches.
 */
public final class Generator {
    // a long prompt runs in chunks of this many tokens, checking for cancellation in between
    private static final int PROMPT_CHUNK = 256;

    private final Model model;
    private final EndOfGeneration endTokens;
    private final ToIntFunction<float[]> fixedChooser; // null: sample with each generation's parameters
    private final float[] logits;
    private final Candidates candidates;
    private final int[] one = new int[1]; // the decode step's token, reused

    private Generator(Model model, ToIntFunction<float[]> fixedChooser) {
        this.model = Objects.requireNonNull(model, "model");
        this.endTokens = EndOfGeneration.of(model);
        this.fixedChooser = fixedChooser;
        this.logits = new float[model.info().vocabularySize()];
        this.candidates = fixedChooser == null ? new Candidates(logits.length) : null;
    }

    /** A generator that chooses tokens as each generation's {@link GenerationParams#sampling()} says. */
    public static Generator of(Model model) {
        return new Generator(model, null);
    }

    /**
     * A generator that chooses each token with {@code chooser}, given the logits (a buffer reused
     * from step to step: read it, do not keep it), and ignores {@link GenerationParams#sampling()}.
     */
    public static Generator choosingWith(Model model, ToIntFunction<float[]> chooser) {
        return new Generator(model, Objects.requireNonNull(chooser, "chooser"));
    }

    /** As {@link #generate(KvCache, int[], GenerationParams, Consumer, BooleanSupplier)}, never cancelled. */
    public Generation generate(KvCache cache, int[] prompt, GenerationParams params, Consumer<String> onText) {
        return generate(cache, prompt, params, onText, () -> false);
    }

    /**
     * Runs {@code prompt} at the cache's next positions, then generates, passing each piece of
     * completed text to {@code onText} as it appears.
     *
     * @param prompt at least one token (BOS, for a model that wants one, is the caller's to add);
     *     with a cache that already holds a sequence, the tokens that continue it
     * @param cancelled asked before each token (and between chunks of a long prompt), from this
     *     thread; another thread may flip what it reads, e.g. an {@code AtomicBoolean} set on Ctrl-C
     * @throws IllegalArgumentException if the prompt is empty
     * @throws IllegalStateException if the prompt does not fit in the cache
     */
    public Generation generate(KvCache cache, int[] prompt, GenerationParams params, Consumer<String> onText,
                               BooleanSupplier cancelled) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        cache.requireRoom(prompt.length);
        ToIntFunction<float[]> choose = chooser(params.sampling(), prompt);
        StreamingDecoder decoder = PromptDecoder.primed(model.tokenizer(), prompt);
        StopStringMatcher stops = StopStringMatcher.of(params.stopStrings());
        StringBuilder text = new StringBuilder();
        int maxTokens = params.maxTokens();
        int[] tokens = new int[Math.min(maxTokens, 1024)];
        int count = 0;

        long start = System.nanoTime();
        int promptRun = runPrompt(cache, prompt, cancelled);
        long promptEnd = System.nanoTime();
        StopReason reason = promptRun < prompt.length ? StopReason.CANCELLED : null;
        while (reason == null) {
            if (count == maxTokens) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            if (cancelled.getAsBoolean()) {
                reason = StopReason.CANCELLED;
                break;
            }
            int next = choose.applyAsInt(logits);
            if (endTokens.contains(next)) {
                reason = StopReason.END_OF_GENERATION;
                break;
            }
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.min(maxTokens, 2 * tokens.length));
            }
            tokens[count++] = next;
            StopStringMatcher.Output piece = stops.accept(decoder.accept(next));
            emit(piece.text(), text, onText);
            if (piece.stopped()) {
                reason = StopReason.STOP_STRING;
            } else if (count < maxTokens) { // the last token is not run: no one would read its logits
                if (cache.remaining() == 0) {
                    reason = StopReason.CONTEXT_FULL;
                } else {
                    one[0] = next;
                    model.forward(cache, one, logits);
                }
            }
        }
        if (reason != StopReason.STOP_STRING) {
            StopStringMatcher.Output rest = stops.accept(decoder.flush());
            emit(rest.stopped() ? rest.text() : rest.text() + stops.flush(), text, onText);
            reason = rest.stopped() ? StopReason.STOP_STRING : reason;
        }
        long end = System.nanoTime();
        GenerationTimings timings = new GenerationTimings(promptRun, (promptEnd - start) / 1e9, count,
                (end - promptEnd) / 1e9);
        return new Generation(Arrays.copyOf(tokens, count), text.toString(), reason, timings);
    }

    /** Runs the prompt chunk by chunk; returns how many of its tokens ran (fewer if cancelled). */
    private int runPrompt(KvCache cache, int[] prompt, BooleanSupplier cancelled) {
        for (int from = 0; from < prompt.length; from += PROMPT_CHUNK) {
            if (cancelled.getAsBoolean()) {
                return from;
            }
            int to = Math.min(prompt.length, from + PROMPT_CHUNK);
            model.forward(cache, from == 0 && to == prompt.length ? prompt : Arrays.copyOfRange(prompt, from, to), logits);
        }
        return prompt.length;
    }

    /** A fresh sampler chain for this generation (so a seed repeats), or the fixed chooser. */
    private ToIntFunction<float[]> chooser(SamplingParams sampling, int[] prompt) {
        if (fixedChooser != null) {
            return fixedChooser;
        }
        SamplerChain chain = Samplers.fromParams(sampling);
        for (int token : prompt) { // penalties look back over the prompt too, as llama.cpp's do
            chain.accept(token);
        }
        return vocabularyLogits -> {
            candidates.fill(vocabularyLogits);
            return chain.sample(candidates);
        };
    }

    private static void emit(String piece, StringBuilder text, Consumer<String> onText) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onText.accept(piece);
        }
    }
}
