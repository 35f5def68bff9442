package dev.hearth.train.nn;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.Tensor;

/** A bias-free linear layer, {@code y[r] = W · x[r]} with {@code W} as {@code [out][in]}. */
public final class Linear {
    private Linear() {}

    /** {@code y[rows][out] = x[rows][in] · Wᵀ} (overwrites y). */
    public static void forward(Kernels kernels, float[] y, float[] x, Tensor w, int rows) {
        kernels.matMul(w, x, 0, y, 0, rows);
    }

    /**
     * {@code dx += dy · W} and, unless {@code dW} is null (a frozen weight), {@code dW += dyᵀ · x}
     * at {@code dwOffset}.
     */
    public static void backward(Kernels kernels, float[] dx, float[] dW, long dwOffset, float[] dy, float[] x,
            Tensor w, int rows) {
        if (dx != null) {
            kernels.matMulBackwardInput(w, dy, 0, dx, 0, rows);
        }
        if (dW != null) {
            kernels.matMulBackwardWeights(dy, 0, x, 0, dW, (int) dwOffset, w.rows(), w.cols(), rows);
        }
    }
}
