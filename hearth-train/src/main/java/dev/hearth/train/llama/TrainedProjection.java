package dev.hearth.train.llama;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.train.nn.Linear;

/** A float32 weight trained in place: a slot of the parameter array, its gradient at the same offset. */
record TrainedProjection(Tensor weight, float[] gradients, long offset) implements Projection {

    @Override
    public int in() {
        return weight.cols();
    }

    @Override
    public int out() {
        return weight.rows();
    }

    @Override
    public void forward(Kernels kernels, float[] y, float[] x, int rows) {
        Linear.forward(kernels, y, x, weight, rows);
    }

    @Override
    public void backward(Kernels kernels, float[] dx, float[] dy, float[] x, int rows) {
        Linear.backward(kernels, dx, gradients, offset, dy, x, weight, rows);
    }
}
