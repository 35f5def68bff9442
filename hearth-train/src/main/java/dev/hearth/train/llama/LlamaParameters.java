package dev.hearth.train.llama;

import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.train.llama.ParameterLayout.Slot;
import java.util.Arrays;
import java.util.List;

/**
 * A model trained from nothing: all its parameters in one float32 array laid out by
 * {@link ParameterLayout}, their gradients in another, and the {@link LlamaWeights} view of them
 * that {@link TrainableLlama} computes with.
 */
public final class LlamaParameters {
    private final LlamaShape shape;
    private final ParameterLayout layout;
    private final float[] values;
    private final float[] gradients;

    public LlamaParameters(LlamaShape shape) {
        this.shape = shape;
        this.layout = new ParameterLayout(shape);
        this.values = new float[layout.size()];
        this.gradients = new float[layout.size()];
    }

    /** The weights as views of the arrays: training writes the parameters, the passes see it at once. */
    public LlamaWeights weights() {
        List<LlamaWeights.Block> blocks = layout.blocks().stream().map(b -> new LlamaWeights.Block(
                gain(b.attentionNorm()), projection(b.wq()), projection(b.wk()), projection(b.wv()), projection(b.wo()),
                gain(b.ffnNorm()), projection(b.gate()), projection(b.up()), projection(b.down()))).toList();
        float[] inv = Rope.of(shape.headDim(), shape.ropeTheta(), 1f, null, false).invFrequencies();
        return new LlamaWeights(new TokenTable.Trained(values, gradients, layout.tokenEmbedding().offset()), blocks,
                gain(layout.outputNorm()), projection(layout.output()), false, inv);
    }

    private Gain gain(Slot slot) {
        return new Gain(values, slot.offset(), gradients);
    }

    private Projection projection(Slot slot) {
        return new TrainedProjection(slot.matrix(values), gradients, slot.offset());
    }

    public LlamaShape shape() {
        return shape;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The parameters, laid out as {@link #layout()} says; written by the optimizer and by loading. */
    public float[] values() {
        return values;
    }

    /** The accumulated gradients, at the parameters' offsets. */
    public float[] gradients() {
        return gradients;
    }

    public void zeroGradients() {
        Arrays.fill(gradients, 0f);
    }
}
