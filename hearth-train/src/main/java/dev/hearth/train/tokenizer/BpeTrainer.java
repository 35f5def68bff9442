package dev.hearth.train.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a byte-level BPE tokenizer, as Hugging Face's {@code BpeTrainer} does for GPT-2 and Qwen2:
 * the corpus is cut into words by the Qwen2 pre-tokenizer and the words counted (streamed, one
 * file block at a time), then, starting from the 256 byte tokens, the most frequent adjacent pair
 * of tokens is merged into a new token until the vocabulary is full (see {@link MergeLearner}).
 *
 * <p>Deterministic: the same corpus and options give the same tokenizer, down to the bytes of its
 * files. Runs on the calling thread.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /**
     * Trains on every file of {@code corpus}, in order.
     *
     * @throws IOException if a file cannot be read or is malformed (see {@link Corpus#read}), or
     *     the corpus holds no text
     */
    public static TrainingResult train(Corpus corpus, BpeTrainingOptions options, TrainingListener listener)
            throws IOException {
        WordCounts counts = new WordCounts(options.specialTokens());
        for (Path file : corpus.files()) {
            Corpus.read(file, counts::add);
            listener.counted(file, counts.words(), counts.distinctWords());
        }
        if (counts.words() == 0) {
            throw new IOException(describe(corpus.files()) + ": no text to train on");
        }
        return train(counts, options, listener);
    }

    /** Trains on words already counted, cut at the same special tokens as {@code options} has. */
    static TrainingResult train(WordCounts counts, BpeTrainingOptions options, TrainingListener listener) {
        if (!counts.specialTokens().equals(options.specialTokens())) {
            throw new IllegalArgumentException("words were counted apart from special tokens " + counts.specialTokens()
                    + ", but the options have " + options.specialTokens());
        }
        MergeLearner.Learned learned = new MergeLearner(counts)
                .learn(options.tokensToLearn(), options.minFrequency(), listener);
        List<String> tokens = new ArrayList<>(learned.tokens());
        tokens.addAll(options.specialTokens());
        TrainedTokenizer tokenizer = new TrainedTokenizer(tokens, learned.merges(), options.specialTokens());
        return new TrainingResult(tokenizer, learned.corpusBytes() + counts.specialTokenBytes(), counts.words(),
                counts.distinctWords(), learned.wordTokens() + counts.specialTokenCount(), learned.stoppedEarly());
    }

    private static String describe(List<Path> files) {
        return files.size() == 1 ? files.getFirst().toString()
                : "the corpus (" + files.size() + " files from " + files.getFirst() + ")";
    }
}
