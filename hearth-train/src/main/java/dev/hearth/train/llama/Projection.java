package dev.hearth.train.llama;

import dev.hearth.compute.kernels.Kernels;

/**
 * A linear map inside the model, {@code y[r] = W·x[r]} for {@code rows} rows, and its backward
 * pass. Pretraining's projections own trainable float32 weights; fine-tuning's are a frozen base
 * weight of any type with a trainable low-rank adapter beside it.
 */
public interface Projection {

    /** Input width. */
    int in();

    /** Output width. */
    int out();

    /** Overwrites {@code y[rows][out]}. */
    void forward(Kernels kernels, float[] y, float[] x, int rows);

    /**
     * Adds the gradient with respect to {@code x} into {@code dx} (skipped when null: nothing below
     * needs it) and the gradients of whatever this projection trains into their arrays. {@code x}
     * is the forward pass's input.
     */
    void backward(Kernels kernels, float[] dx, float[] dy, float[] x, int rows);
}
