package dev.hearth.model.generate;

import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The generation loop: run the prompt, then choose a token from the logits, stream its text, and
 * feed it back, until an end token, the token limit or a full cache.
 *
 * <p>Text is streamed through the tokenizer's {@link StreamingDecoder}, so a character split
 * across tokens is emitted whole. The end tokens are the tokenizer's EOS and EOT. Not
 * thread-safe: it drives one {@link Model}, which runs one forward pass at a time.
 */
public final class Generator {
    private final Model model;
    private final ToIntFunction<float[]> chooser;
    private final float[] logits;
    private final int[] one = new int[1]; // the decode step's token, reused

    private Generator(Model model, ToIntFunction<float[]> chooser) {
        this.model = Objects.requireNonNull(model, "model");
        this.chooser = Objects.requireNonNull(chooser, "chooser");
        this.logits = new float[model.info().vocabularySize()];
    }

    /** Chooses the most likely token every step (the first on ties, as llama2.c's argmax). */
    public static Generator greedy(Model model) {
        return new Generator(model, Generator::argmax);
    }

    /**
     * Chooses each token with {@code chooser}, given the logits (a buffer reused from step to step:
     * read it, do not keep it).
     */
    public static Generator choosingWith(Model model, ToIntFunction<float[]> chooser) {
        return new Generator(model, chooser);
    }

    /**
     * Runs {@code prompt} at the cache's next positions, then generates up to {@code maxTokens}
     * tokens, passing each piece of completed text to {@code onText} as it appears.
     *
     * @param prompt at least one token (BOS, for a model that wants one, is the caller's to add)
     * @throws IllegalStateException if the prompt does not fit in the cache
     */
    public Generation generate(KvCache cache, int[] prompt, int maxTokens, Consumer<String> onText) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must not be negative, got " + maxTokens);
        }
        SpecialTokens special = model.tokenizer().specialTokens();
        StreamingDecoder decoder = model.tokenizer().streamingDecoder(false);
        // the prompt primes the decoder, so a split character completes and a SentencePiece word
        // after text keeps its leading space; a leading BOS is skipped, as llama.cpp's detokenizer
        // removes it, so the first word after it loses the dummy-prefix space (as llama2.c prints)
        boolean leadingBos = special.bos().isPresent() && prompt.length > 0 && prompt[0] == special.bos().getAsInt();
        for (int i = leadingBos ? 1 : 0; i < prompt.length; i++) {
            decoder.accept(prompt[i]);
        }
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[Math.min(maxTokens, 1024)];
        int count = 0;
        StopReason reason = StopReason.MAX_TOKENS;

        model.forward(cache, prompt, logits);
        while (count < maxTokens) {
            int next = chooser.applyAsInt(logits);
            if (isEnd(next, special)) {
                reason = StopReason.END_OF_SEQUENCE;
                break;
            }
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.min(maxTokens, 2 * tokens.length));
            }
            tokens[count++] = next;
            emit(decoder.accept(next), text, onText);
            if (count == maxTokens) {
                break;
            }
            if (cache.remaining() == 0) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            one[0] = next;
            model.forward(cache, one, logits);
        }
        emit(decoder.flush(), text, onText);
        return new Generation(Arrays.copyOf(tokens, count), text.toString(), reason);
    }

    private static void emit(String piece, StringBuilder text, Consumer<String> onText) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onText.accept(piece);
        }
    }

    private static boolean isEnd(int token, SpecialTokens special) {
        return (special.eos().isPresent() && special.eos().getAsInt() == token)
                || (special.eot().isPresent() && special.eot().getAsInt() == token);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
