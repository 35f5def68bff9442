package dev.hearth.train.lora;

import static dev.hearth.train.nn.GradientCheck.check;
import static dev.hearth.train.nn.GradientCheck.gaussian;
import static dev.hearth.train.nn.Reference64.dot;
import static dev.hearth.train.nn.Reference64.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.train.nn.Reference64;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A LoRA projection's backward pass against finite differences of
 * {@code y = W·x + b + s·B·(A·x)} in double precision, with the frozen base weight in float32 and
 * in quantized types (dequantized for the reference, as the kernels dequantize it).
 */
class LoraProjectionGradientTest {
    private static WorkerPool pool;
    private static Kernels kernels;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
        kernels = Kernels.vectorized(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void adapterAndInputGradientsMatchFiniteDifferences(GgmlType type) {
        Random random = new Random(type.ordinal());
        int rows = 3;
        int in = 64;
        int out = 32;
        int rank = 4;
        float scale = 16f / rank;
        Tensor base = quantized(type, gaussian(random, out * in, 0.3), in, out);
        double[] w64 = new double[out * in];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            base.dequantizeRow(o, row, 0);
            for (int i = 0; i < in; i++) {
                w64[o * in + i] = row[i];
            }
        }
        float[] bias = gaussian(random, out, 1);
        float[] params = new float[2 + rank * in + out * rank]; // A from 2, B after it
        float[] a = gaussian(random, rank * in, 0.2);
        float[] b = gaussian(random, out * rank, 0.2);
        System.arraycopy(a, 0, params, 2, a.length);
        System.arraycopy(b, 0, params, 2 + a.length, b.length);
        float[] grads = new float[params.length];
        Tensor aView = Tensor.ofFloats("a", a, in, rank);
        Tensor bView = Tensor.ofFloats("b", b, rank, out);
        LoraProjection p = new LoraProjection(base, bias, aView, bView, grads, 2, 2 + a.length, scale, rows,
                new float[rows * out]);
        float[] x = gaussian(random, rows * in, 1);
        float[] r = gaussian(random, rows * out, 1);
        float[] y = new float[rows * out];
        p.forward(kernels, y, x, rows);
        double[] r64 = toDouble(r);
        double[] bias64 = toDouble(bias);
        double[] a64 = toDouble(a);
        double[] b64 = toDouble(b);
        double[] expected = reference(toDouble(x), w64, bias64, a64, b64, rows, in, out, rank, scale);
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
        }
        float[] dx = new float[rows * in];
        p.backward(kernels, dx, r, x, rows);
        double[] x64 = toDouble(x);
        check("x", xs -> dot(r64, reference(xs, w64, bias64, a64, b64, rows, in, out, rank, scale)), x64, dx, 0, null);
        check("A", as -> dot(r64, reference(x64, w64, bias64, as, b64, rows, in, out, rank, scale)), a64, grads, 2, null);
        check("B", bs -> dot(r64, reference(x64, w64, bias64, a64, bs, rows, in, out, rank, scale)), b64, grads,
                2 + a.length, null);
    }

    private static double[] reference(double[] x, double[] w, double[] bias, double[] a, double[] b, int rows, int in,
            int out, int rank, double scale) {
        double[] y = Reference64.linear(x, rows, in, w, out);
        double[] delta = Reference64.linear(Reference64.linear(x, rows, in, a, rank), rows, rank, b, out);
        for (int i = 0; i < y.length; i++) {
            y[i] += bias[i % out] + scale * delta[i];
        }
        return y;
    }

    private static Tensor quantized(GgmlType type, float[] values, int cols, int rows) {
        java.lang.foreign.MemorySegment data = java.lang.foreign.Arena.ofAuto().allocate(type.byteSize((long) rows * cols), 64);
        WeightFormats.quantizer(type).quantize(values, 0, values.length, data, 0);
        return new Tensor("w", type, dev.hearth.compute.tensor.Shape.of(cols, rows), data);
    }
}
