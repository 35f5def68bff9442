package dev.hearth.model.tokenizer;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The token table shared by every tokenizer: id → text, score and type, and text → id.
 *
 * <p>Texts are as the file stores them (SentencePiece's {@code ▁}, byte-level BPE's mapped
 * characters). Scores are SentencePiece merge priorities and are zero where the format has none.
 */
public final class Vocabulary {
    private final List<String> tokens;
    private final float[] scores;
    private final TokenType[] types;
    private final TokenIds ids;

    /**
     * @param tokens id → token text; must not contain null
     * @param scores id → score, or null for all zeros
     * @param types id → type, or null for all {@link TokenType#NORMAL}
     * @throws IllegalArgumentException if the arrays disagree in length
     */
    public Vocabulary(List<String> tokens, float[] scores, TokenType[] types) {
        this.tokens = List.copyOf(tokens);
        int n = this.tokens.size();
        this.scores = scores != null ? scores.clone() : new float[n];
        if (types == null) {
            types = new TokenType[n];
            java.util.Arrays.fill(types, TokenType.NORMAL);
        }
        this.types = types.clone();
        if (this.scores.length != n || this.types.length != n) {
            throw new IllegalArgumentException("vocabulary of " + n + " tokens has " + this.scores.length
                    + " scores and " + this.types.length + " types; expected one of each per token");
        }
        this.ids = new TokenIds(n);
        for (int id = 0; id < n; id++) {
            // first occurrence wins, as in llama.cpp's token_to_id map
            ids.putIfAbsent(Objects.requireNonNull(this.tokens.get(id), "token " + id), id);
        }
    }

    public int size() {
        return tokens.size();
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public float score(int id) {
        return scores[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    public OptionalInt id(String token) {
        int id = ids.get(token);
        return id == TokenIds.ABSENT ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The id of the text {@code s[from1, to1)} followed by {@code s[from2, to2)}, or
     * {@link TokenIds#ABSENT}: a lookup of a part of a string, or of two parts joined, without
     * building them.
     */
    int id(String s, int from1, int to1, int from2, int to2) {
        return ids.get(s, from1, to1, from2, to2);
    }

    public List<String> tokens() {
        return tokens;
    }

    /** True when {@code id} names an entry of this vocabulary. */
    public boolean contains(int id) {
        return id >= 0 && id < tokens.size();
    }
}
