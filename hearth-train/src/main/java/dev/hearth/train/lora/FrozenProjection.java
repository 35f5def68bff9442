package dev.hearth.train.lora;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.train.llama.Projection;

/**
 * A base model's weight, frozen in the type its file stores it (dequantized on the fly), with an
 * optional frozen bias: {@code y = W·x + b}. Only the gradient with respect to {@code x} flows.
 */
record FrozenProjection(Tensor weight, float[] bias) implements Projection {

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
        kernels.matMul(weight, x, 0, y, 0, rows);
        addBias(kernels, bias, y, rows);
    }

    @Override
    public void backward(Kernels kernels, float[] dx, float[] dy, float[] x, int rows) {
        if (dx != null) {
            kernels.matMulBackwardInput(weight, dy, 0, dx, 0, rows);
        }
    }

    static void addBias(Kernels kernels, float[] bias, float[] y, int rows) {
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                kernels.add(y, r * bias.length, bias, 0, bias.length);
            }
        }
    }
}
