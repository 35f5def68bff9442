package dev.hearth.model.constrain;

import dev.hearth.model.sampling.TokenConstraint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link TokenConstraint} that keeps a generation to one JSON value of a {@link JsonGrammar}:
 * the matcher {@link Threads} over the output's bytes so far, a {@link TokenMasker} to find the
 * tokens they accept, and the tokenizer's {@link TokenTrie}. Cheap to create (the trie is shared);
 * one per generation, not thread-safe.
 *
 * <p>{@link #complete()} turns true when the top-level value has ended: at its closing brace or
 * bracket, or closing quote; a top-level number (or a literal another extends) ends at a
 * following whitespace byte or an end-of-generation token, which the mask allows once the number
 * could end there. After that the mask allows only the end-of-generation tokens (if the tokenizer
 * names any).
 */
final class JsonConstraint implements TokenConstraint {
    private final TokenTrie trie;
    private final TokenMasker masker;
    private final long[] allowed;
    private Threads current = new Threads();
    private Threads spareA = new Threads();
    private Threads spareB = new Threads();

    JsonConstraint(RootRule root, TokenTrie trie) {
        this.trie = trie;
        this.masker = new TokenMasker(trie);
        this.allowed = new long[(trie.vocabularySize + 63) >>> 6];
        current.add(null, root, RootRule.initial());
    }

    @Override
    public void mask(float[] logits) {
        Arrays.fill(allowed, 0);
        if (!complete()) {
            masker.allow(current, allowed);
        }
        if (complete() || !after(current, Rule.END).isEmpty()) {
            for (int end : trie.endTokens) {
                allowed[end >>> 6] |= 1L << end;
            }
            if (complete() && trie.endTokens.length == 0) {
                return; // nothing can say "done": leave the choice to the engine, which stops anyway
            }
        }
        int vocabulary = Math.min(logits.length, trie.vocabularySize);
        for (int w = 0; w << 6 < vocabulary; w++) {
            for (long forbidden = ~allowed[w]; forbidden != 0; forbidden &= forbidden - 1) {
                int id = w << 6 | Long.numberOfTrailingZeros(forbidden);
                if (id >= vocabulary) {
                    break;
                }
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        Arrays.fill(logits, vocabulary, logits.length, Float.NEGATIVE_INFINITY); // ids the tokenizer lacks
    }

    @Override
    public void accept(int token) {
        Threads next = advance(token);
        if (next == null) {
            throw new IllegalArgumentException("token " + token + describe(token) + " cannot come next in the JSON output");
        }
        Threads old = current;
        current = next;
        if (next == spareA) {
            spareA = old;
        } else {
            spareB = old;
        }
    }

    /** Whether {@link #accept} would take {@code token} now (the slow, token-by-token answer). */
    boolean accepts(int token) {
        return advance(token) != null;
    }

    /** The threads after {@code token}, in a spare set, or null when it cannot come next. */
    private Threads advance(int token) {
        if (trie.isEnd(token)) {
            Threads next = after(current, Rule.END);
            return next.isEmpty() ? null : next;
        }
        byte[] bytes = trie.bytes(token);
        if (complete() || bytes == null) {
            return null;
        }
        Threads next = current;
        for (byte b : bytes) {
            next = after(next, b & 0xFF);
            if (next.isEmpty()) {
                return null;
            }
        }
        return next;
    }

    @Override
    public boolean complete() {
        for (int i = 0; i < current.size(); i++) {
            if (current.rule(i) instanceof RootRule && RootRule.isAfter(current.state(i))) {
                return true;
            }
        }
        return false;
    }

    /** The threads after {@code from} (current or a spare set) reads {@code b}, in the other spare set. */
    private Threads after(Threads from, int b) {
        Threads out = from == spareA ? spareB : spareA;
        out.clear();
        from.feed(b, out);
        return out;
    }

    private String describe(int token) {
        byte[] bytes = trie.bytes(token);
        if (trie.isEnd(token)) {
            return " (end of generation)";
        }
        return bytes == null ? " (a control or empty token)" : " (" + new String(bytes, StandardCharsets.UTF_8).replace("\n", "\\n") + ")";
    }
}
