package dev.hearth.train.tokenizer;

import dev.hearth.model.tokenizer.ByteLevelAlphabet;

import java.util.HashSet;
import java.util.List;

/**
 * What {@link BpeTrainer} is asked for.
 *
 * @param vocabSize the tokens wanted in all: the 256 byte tokens, the learned ones, and the
 *     special tokens; fewer when pairs run out first (see {@code minFrequency})
 * @param minFrequency the fewest times a pair must occur in the corpus to be merged; training
 *     stops early when no pair occurs that often
 * @param specialTokens texts that become one control token each, after the learned tokens, and
 *     that the corpus is cut at rather than learned from
 */
public record BpeTrainingOptions(int vocabSize, int minFrequency, List<String> specialTokens) {
    /** ChatML's markers and the end-of-document token, so that Qwen2's chat template works. */
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    /** A pair seen once is noise, not a pattern. */
    public static final int DEFAULT_MIN_FREQUENCY = 2;

    /**
     * @throws IllegalArgumentException if {@code vocabSize} leaves no room for a merge, {@code
     *     minFrequency} is below 1, or a special token is empty, repeated, or a single character of
     *     the byte alphabet (it would be a byte token too)
     */
    public BpeTrainingOptions {
        specialTokens = List.copyOf(specialTokens);
        if (vocabSize < minimumVocabSize(specialTokens.size())) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " leaves no room for merges: it must be"
                    + " at least " + minimumVocabSize(specialTokens.size()) + " (" + TrainedTokenizer.BYTE_TOKENS
                    + " byte tokens, " + specialTokens.size() + " special tokens and one learned token)");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("minimum frequency " + minFrequency + " must be at least 1");
        }
        HashSet<String> seen = new HashSet<>();
        for (String special : specialTokens) {
            if (special.isEmpty()) {
                throw new IllegalArgumentException("a special token is empty");
            }
            if (isByteToken(special)) {
                throw new IllegalArgumentException("special token '" + special + "' is the text of a byte token");
            }
            if (!seen.add(special)) {
                throw new IllegalArgumentException("special token '" + special + "' is given twice");
            }
        }
    }

    /** The default minimum frequency and special tokens. */
    public static BpeTrainingOptions of(int vocabSize) {
        return new BpeTrainingOptions(vocabSize, DEFAULT_MIN_FREQUENCY, DEFAULT_SPECIAL_TOKENS);
    }

    /** The smallest vocabulary size that leaves room for one learned token. */
    public static int minimumVocabSize(int specialTokens) {
        return TrainedTokenizer.BYTE_TOKENS + specialTokens + 1;
    }

    /** How many tokens merges are to make. */
    int tokensToLearn() {
        return vocabSize - TrainedTokenizer.BYTE_TOKENS - specialTokens.size();
    }

    private static boolean isByteToken(String text) {
        for (int b = 0; b < TrainedTokenizer.BYTE_TOKENS; b++) {
            if (text.equals(String.valueOf(ByteLevelAlphabet.charOf(b)))) {
                return true;
            }
        }
        return false;
    }
}
