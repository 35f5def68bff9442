package dev.hearth.train.llama;

import java.util.List;

/**
 * What a {@link TrainableLlama} computes with: every weight, trained or frozen.
 *
 * @param neoxRope whether RoPE pairs {@code (k, k + d/2)} (Qwen) rather than adjacent elements (Llama)
 * @param invFrequencies RoPE's angle per position of each rotated pair
 */
public record LlamaWeights(TokenTable embedding, List<Block> blocks, Gain outputNorm, Projection output,
        boolean neoxRope, float[] invFrequencies) {

    /** One transformer block's weights. */
    public record Block(Gain attentionNorm, Projection wq, Projection wk, Projection wv, Projection wo, Gain ffnNorm,
            Projection gate, Projection up, Projection down) {}
}
