package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.gguf.GgufMetadata;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reads the vocabulary and the special-token roles from GGUF's {@code tokenizer.ggml.*} keys. */
public final class GgufVocabularies {
    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPES = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    private GgufVocabularies() {}

    /**
     * The token table. Scores and types are optional in GGUF; when present they must have one entry
     * per token.
     */
    public static Vocabulary vocabulary(GgufMetadata md) {
        List<String> tokens = md.getStringArray(TOKENS);
        float[] scores = md.contains(SCORES) ? md.getFloatArray(SCORES) : null;
        TokenType[] types = null;
        if (md.contains(TOKEN_TYPES)) {
            int[] ids = md.getIntArray(TOKEN_TYPES);
            requireLength(md, TOKEN_TYPES, ids.length, tokens.size());
            types = new TokenType[ids.length];
            for (int i = 0; i < ids.length; i++) {
                try {
                    types[i] = TokenType.fromId(ids[i]);
                } catch (IllegalArgumentException e) {
                    throw problem(md, TOKEN_TYPES + "[" + i + "]", e.getMessage());
                }
            }
        }
        if (scores != null) {
            requireLength(md, SCORES, scores.length, tokens.size());
        }
        return new Vocabulary(tokens, scores, types);
    }

    /**
     * The role tokens; an id outside the vocabulary is an error naming the key.
     *
     * <p>A WordPiece ({@code bert}) vocabulary's BOS and EOS are its {@code [CLS]} and {@code [SEP]}
     * when the file names no others, and both are added by default: llama.cpp's WPM tokenizer
     * surrounds every text with them ({@code tokenizer.ggml.add_sep_token}, on unless the file
     * turns it off), so callers that add BOS/EOS give a BERT model the input it was trained on.
     */
    public static SpecialTokens specialTokens(GgufMetadata md, Vocabulary vocabulary) {
        boolean wordPiece = md.findString(MODEL).orElse("").equals("bert");
        OptionalInt separator = tokenId(md, vocabulary, "tokenizer.ggml.seperator_token_id"); // llama.cpp's spelling
        OptionalInt cls = tokenId(md, vocabulary, "tokenizer.ggml.cls_token_id");
        OptionalInt bos = tokenId(md, vocabulary, "tokenizer.ggml.bos_token_id");
        OptionalInt eos = tokenId(md, vocabulary, "tokenizer.ggml.eos_token_id");
        boolean addEos = md.findBoolean("tokenizer.ggml.add_eos_token").orElse(false);
        if (wordPiece) {
            bos = bos.isPresent() ? bos : cls;
            eos = eos.isPresent() ? eos : separator;
            addEos = md.findBoolean("tokenizer.ggml.add_eos_token")
                    .orElse(md.findBoolean("tokenizer.ggml.add_sep_token").orElse(true));
        }
        return new SpecialTokens(
                bos,
                eos,
                tokenId(md, vocabulary, "tokenizer.ggml.eot_token_id"),
                tokenId(md, vocabulary, "tokenizer.ggml.unknown_token_id"),
                tokenId(md, vocabulary, "tokenizer.ggml.padding_token_id"),
                separator,
                cls,
                tokenId(md, vocabulary, "tokenizer.ggml.mask_token_id"),
                md.findBoolean("tokenizer.ggml.add_bos_token").orElse(defaultAddBos(md)),
                addEos);
    }

    private static boolean defaultAddBos(GgufMetadata md) {
        // llama.cpp's defaults when the key is absent: SentencePiece and WordPiece add BOS/CLS, BPE does not
        String model = md.findString(MODEL).orElse("");
        return model.equals("llama") || model.equals("bert");
    }

    private static OptionalInt tokenId(GgufMetadata md, Vocabulary vocabulary, String key) {
        OptionalLong id = md.findLong(key);
        if (id.isEmpty()) {
            return OptionalInt.empty();
        }
        long v = id.getAsLong();
        if (v < 0 || v >= vocabulary.size()) {
            throw problem(md, key, "token id " + v + " is outside the vocabulary of " + vocabulary.size() + " tokens");
        }
        return OptionalInt.of((int) v);
    }

    private static void requireLength(GgufMetadata md, String key, int found, int expected) {
        if (found != expected) {
            throw problem(md, key, "has " + found + " entries, expected one per token (" + expected + ")");
        }
    }

    private static GgufFormatException problem(GgufMetadata md, String key, String message) {
        return md.problem(key, message);
    }
}
