package dev.hearth.kb.embed;

import java.util.List;

/**
 * Turns passages and questions into unit-length vectors whose dot product is their similarity.
 * The knowledge base's one view of an embedding model; thread-safe.
 */
public interface Embedder extends AutoCloseable {

    /** A name for logs and the index's metadata, e.g. {@code bge-small-zh-v1.5}. */
    String name();

    /** The length of every vector. */
    int dimension();

    /** The most tokens one text may have; a chunker keeps passages within it. */
    int maxTokens();

    /** How many tokens {@code text} takes, special tokens included. */
    int countTokens(String text);

    /**
     * One vector per passage, in order.
     *
     * @throws IllegalArgumentException if a text is longer than {@link #maxTokens()}, naming its index
     */
    List<float[]> embedPassages(List<String> texts);

    /** The vector of a question, as the model wants questions put (some prefix an instruction). */
    float[] embedQuery(String question);

    @Override
    void close();
}
