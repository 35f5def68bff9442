package dev.hearth.model.arch.bert;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.Pooling;

/**
 * The hyperparameters of a BERT-family encoder, from {@code {arch}.*}.
 *
 * @param architecture {@code general.architecture}, which names the keys and appears in messages
 * @param vocabularySize rows of the token-embedding table
 * @param contextLength the longest input ({@code {arch}.context_length}; for BERT also the rows of
 *     the position-embedding table)
 * @param dim width of the hidden states
 * @param ffnDim inner width of the feed-forward network
 * @param headDim {@code dim / heads}
 * @param eps the LayerNorms' epsilon
 * @param pooling how the hidden states become one vector (CLS or MEAN)
 */
record BertConfig(String architecture, int vocabularySize, int contextLength, int dim, int layers, int heads,
        int headDim, int ffnDim, float eps, Pooling pooling) {

    /**
     * Reads and checks {@code {arch}.*}; the vocabulary size is 0 until {@link #withVocabularySize}.
     *
     * @param defaultPooling the pooling when {@code {arch}.pooling_type} is absent
     * @throws ModelLoadException naming the key whose value is impossible or unsupported
     * @throws dev.hearth.model.gguf.GgufFormatException naming a required key that is missing
     */
    static BertConfig read(GgufFile file, String arch, Pooling defaultPooling) {
        GgufMetadata md = file.metadata();
        int contextLength = positive(file, arch, "context_length");
        int dim = positive(file, arch, "embedding_length");
        int layers = positive(file, arch, "block_count");
        int ffnDim = positive(file, arch, "feed_forward_length");
        int heads = positive(file, arch, "attention.head_count");
        if (dim % heads != 0) {
            throw problem(file, arch, "attention.head_count", heads + " heads do not divide embedding_length " + dim);
        }
        float eps = (float) md.getDouble(arch + ".attention.layer_norm_epsilon");
        if (!(eps > 0)) {
            throw problem(file, arch, "attention.layer_norm_epsilon", "must be positive, found " + eps);
        }
        if (md.findBoolean(arch + ".attention.causal").orElse(false)) {
            throw problem(file, arch, "attention.causal",
                    "true, but a BERT encoder attends both ways (expected false)");
        }
        Pooling pooling = Pooling.of(md, arch, defaultPooling);
        if (pooling == Pooling.LAST) {
            throw problem(file, arch, "pooling_type",
                    "3 (last), which a BERT encoder does not pool by (expected 1 mean or 2 cls)");
        }
        return new BertConfig(arch, 0, contextLength, dim, layers, heads, dim / heads, ffnDim, eps, pooling);
    }

    BertConfig withVocabularySize(int n) {
        return new BertConfig(architecture, n, contextLength, dim, layers, heads, headDim, ffnDim, eps, pooling);
    }

    static ModelLoadException problem(GgufFile file, String arch, String key, String message) {
        return new ModelLoadException(file.path(), arch + "." + key, message);
    }

    private static int positive(GgufFile file, String arch, String key) {
        int value = file.metadata().getInt(arch + "." + key);
        if (value <= 0) {
            throw problem(file, arch, key, "must be positive, found " + value);
        }
        return value;
    }
}
