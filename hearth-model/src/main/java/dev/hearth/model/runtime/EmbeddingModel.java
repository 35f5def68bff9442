package dev.hearth.model.runtime;

import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;

import java.util.stream.IntStream;

/**
 * A model that turns a sequence of tokens into one unit-length vector: a BERT-family encoder, or
 * a decoder pooled over its hidden states. Open one with {@link Models#openEmbedding}.
 *
 * <p>Calls to {@link #embed(int[])} are serialised: the model reuses its activation buffers, so a
 * second thread waits for the first to finish.
 */
public interface EmbeddingModel extends AutoCloseable {

    /** Architecture and dimensions. */
    ModelInfo info();

    /** The tokenizer the model file describes. */
    Tokenizer tokenizer();

    /** The length of every vector {@link #embed} returns. */
    int dimension();

    /** The most tokens one input may have, special tokens included: the model's context length. */
    int maxTokens();

    /**
     * The embedding of {@code tokens}, pooled as the model file says and of unit length (L2). The
     * tokens are the whole input the model sees, special tokens included: for BERT,
     * {@code [CLS] … [SEP]}, as {@link #tokenize} makes them.
     *
     * @throws IllegalArgumentException if {@code tokens} is empty, longer than {@link #maxTokens()}
     *     (the message gives both lengths; nothing is truncated), or holds an id outside the vocabulary
     */
    float[] embed(int[] tokens);

    /**
     * {@code text}'s tokens as the model expects them: the tokenizer's ids, between the BOS and EOS
     * tokens when the model adds them (for BERT, {@code [CLS]} and {@code [SEP]}).
     */
    default int[] tokenize(String text) {
        SpecialTokens special = tokenizer().specialTokens();
        IntStream.Builder ids = IntStream.builder();
        if (special.addBos() && special.bos().isPresent()) {
            ids.add(special.bos().getAsInt());
        }
        IntStream.of(tokenizer().encode(text)).forEach(ids::add);
        if (special.addEos() && special.eos().isPresent()) {
            ids.add(special.eos().getAsInt());
        }
        return ids.build().toArray();
    }

    /** {@code embed(tokenize(text))}. */
    default float[] embed(String text) {
        return embed(tokenize(text));
    }

    /** Releases the model file's mapping; the model must not be used afterwards. */
    @Override
    void close();
}
