package dev.hearth.train.tokenizer;

/**
 * A trained tokenizer and what training saw.
 *
 * @param corpusBytes the corpus's size as UTF-8
 * @param words pre-tokenized words counted (special tokens not included)
 * @param distinctWords how many of them are different
 * @param corpusTokens the tokens the tokenizer encodes the corpus into, each special token in it
 *     counted as one
 * @param stoppedEarly whether training ended before the vocabulary size was reached, because no
 *     pair of tokens occurred the minimum frequency times
 */
public record TrainingResult(TrainedTokenizer tokenizer, long corpusBytes, long words, long distinctWords,
        long corpusTokens, boolean stoppedEarly) {

    /** How much the tokenizer compresses the corpus it learned from: UTF-8 bytes per token. */
    public double bytesPerToken() {
        return (double) corpusBytes / corpusTokens;
    }
}
