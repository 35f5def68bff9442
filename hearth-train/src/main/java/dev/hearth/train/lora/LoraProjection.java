package dev.hearth.train.lora;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.train.llama.Projection;

/**
 * A frozen base weight with a trainable low-rank adapter beside it (Hu et al., LoRA):
 *
 * <pre>
 * u = A·x                 [rows][r]     A: [r][in]
 * y = W·x + b + s·B·u     [rows][out]   B: [out][r], s = alpha / r
 * </pre>
 *
 * and backward, with {@code g = s·dy}: {@code dB += gᵀ·u}, {@code du = g·B}, {@code dA += duᵀ·x},
 * {@code dx += du·A + dy·W}. A and B are views of the adapter's parameter array, their gradients
 * at the same offsets; {@code u} is kept from the forward pass; {@code scratch} is shared by all
 * projections (it holds a product only within one call).
 */
final class LoraProjection implements Projection {
    private final Tensor weight;
    private final float[] bias;
    private final Tensor a;
    private final Tensor b;
    private final float[] gradients;
    private final long aOffset;
    private final long bOffset;
    private final float scale;
    private final float[] u;
    private final float[] du;
    private final float[] scratch;

    /**
     * @param maxRows the most rows a pass runs ({@code B·T}, or a classifier chunk)
     * @param scratch at least {@code maxRows · out} floats
     */
    LoraProjection(Tensor weight, float[] bias, Tensor a, Tensor b, float[] gradients, long aOffset, long bOffset,
            float scale, int maxRows, float[] scratch) {
        this.weight = weight;
        this.bias = bias;
        this.a = a;
        this.b = b;
        this.gradients = gradients;
        this.aOffset = aOffset;
        this.bOffset = bOffset;
        this.scale = scale;
        this.u = new float[maxRows * a.rows()];
        this.du = new float[maxRows * a.rows()];
        this.scratch = scratch;
    }

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
        FrozenProjection.addBias(kernels, bias, y, rows);
        kernels.matMul(a, x, 0, u, 0, rows);          // u = A·x
        kernels.matMul(b, u, 0, scratch, 0, rows);    // B·u
        int n = rows * out();
        for (int i = 0; i < n; i++) {
            y[i] += scale * scratch[i];
        }
    }

    @Override
    public void backward(Kernels kernels, float[] dx, float[] dy, float[] x, int rows) {
        int rank = a.rows();
        int n = rows * out();
        for (int i = 0; i < n; i++) {
            scratch[i] = scale * dy[i];                 // g = s·dy
        }
        kernels.matMulBackwardWeights(scratch, 0, u, 0, gradients, (int) bOffset, out(), rank, rows); // dB += gᵀ·u
        java.util.Arrays.fill(du, 0, rows * rank, 0f);
        kernels.matMulBackwardInput(b, scratch, 0, du, 0, rows);                                       // du = g·B
        kernels.matMulBackwardWeights(du, 0, x, 0, gradients, (int) aOffset, rank, in(), rows);       // dA += duᵀ·x
        if (dx != null) {
            kernels.matMulBackwardInput(a, du, 0, dx, 0, rows);       // dx += du·A
            kernels.matMulBackwardInput(weight, dy, 0, dx, 0, rows);  // dx += dy·W
        }
    }
}
