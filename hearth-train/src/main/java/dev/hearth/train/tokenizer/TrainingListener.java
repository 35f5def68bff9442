package dev.hearth.train.tokenizer;

import java.nio.file.Path;

/**
 * Hears how {@link BpeTrainer} is getting on, on the thread that trains; it must return quickly.
 */
public interface TrainingListener {
    /** Hears nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * A corpus file has been read and its words counted.
     *
     * @param words the words counted so far, in this file and the ones before it
     * @param distinctWords how many of them are different
     */
    default void counted(Path file, long words, long distinctWords) {}

    /**
     * Called after every merge; each merge makes one token.
     *
     * @param merges the merges made so far
     * @param mergesWanted the merges the vocabulary size asks for
     */
    default void merged(int merges, int mergesWanted) {}
}
