package dev.hearth.model.arch.transformer;

import dev.hearth.compute.kernels.AttentionBatch;

/**
 * The activations of one forward step of up to {@code batch} tokens, allocated once per model and
 * reused by every call, so a forward pass allocates nothing per token. Each buffer holds one row
 * per token of the step.
 */
final class DecoderState {
    final int batch;
    final float[] x;      // [batch][dim] the residual stream
    final float[] xb;     // [batch][dim] a normed copy of x, then a branch's output
    final float[] q;      // [batch][heads·headDim] queries
    final float[] k;      // [batch][kvHeads·headDim] keys of the new positions
    final float[] v;      // [batch][kvHeads·valueDim] values of the new positions
    final float[] att;    // [batch][heads·valueDim] attention output
    final float[] hb;     // [batch][ffnDim] gate, then silu(gate)·up
    final float[] hb2;    // [batch][ffnDim] up
    final AttentionBatch attention = new AttentionBatch(); // one layer's sequences, refilled per layer

    DecoderState(DecoderConfig c, int batch) {
        this.batch = batch;
        this.x = new float[batch * c.dim()];
        this.xb = new float[batch * c.dim()];
        this.q = new float[batch * c.qDim()];
        this.k = new float[batch * c.kvDim()];
        this.v = new float[batch * c.kvValueDim()];
        this.att = new float[batch * c.attentionDim()];
        this.hb = new float[batch * c.ffnDim()];
        this.hb2 = new float[batch * c.ffnDim()];
    }

}
