package dev.hearth.model.arch.bert;

import dev.hearth.model.runtime.Pooling;

/**
 * The hyperparameters of a BERT encoder, from {@code bert.*}.
 *
 * @param contextLength positions in the position-embedding table: the longest input
 * @param dim width of the hidden states
 * @param ffnDim inner width of the feed-forward network
 * @param headDim {@code dim / heads}
 * @param eps the LayerNorms' epsilon
 * @param pooling how the hidden states become one vector (CLS or MEAN)
 */
record BertConfig(String architecture, int vocabularySize, int contextLength, int dim, int layers, int heads,
        int headDim, int ffnDim, float eps, Pooling pooling) {
}
