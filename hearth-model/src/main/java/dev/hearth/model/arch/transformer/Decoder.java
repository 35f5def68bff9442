package dev.hearth.model.arch.transformer;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

/**
 * Builds the decoder-only transformer the Llama family shares (pre-norm RMSNorm blocks, rotary
 * grouped-query attention, SwiGLU feed-forward) from an architecture's config and weights.
 */
public final class Decoder {

    private Decoder() {
    }

    /**
     * The runnable model. Also builds the tokenizer the file describes.
     *
     * @param file the open model file; the model closes it
     * @throws ModelLoadException if the tokenizer's vocabulary is larger than the embedding table
     */
    public static Model create(GgufFile file, DecoderConfig config, DecoderWeights weights, ModelOptions options) {
        Tokenizer tokenizer = Tokenizers.fromGguf(file.metadata());
        if (tokenizer.vocabulary().size() > config.vocabularySize()) {
            throw new ModelLoadException(file.path(), GgufVocabularies.TOKENS, tokenizer.vocabulary().size()
                    + " tokens, but token_embd.weight has only " + config.vocabularySize() + " rows");
        }
        return new DecoderModel(file, config, weights, tokenizer, options);
    }
}
