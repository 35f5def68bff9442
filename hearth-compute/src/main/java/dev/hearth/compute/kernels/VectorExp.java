package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The exponential and {@code tanh} of {@link VectorKernels}' element-wise kernels (softmax,
 * SwiGLU, GELU), lane by lane, in basic IEEE operations only, so that they give the same bits
 * whether the JIT has compiled them or not.
 */
final class VectorExp {
    private VectorExp() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693359375f;    // few bits, so n · LN2_HIGH is exact
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5 · 2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float EXP_OVERFLOW = 88.72283f;
    private static final FloatVector MINUS_LN2_HIGH = FloatVector.broadcast(F, -LN2_HIGH);
    private static final FloatVector MINUS_LN2_LOW = FloatVector.broadcast(F, -LN2_LOW);

    /**
     * {@code e^x} lane by lane, within about 1 ulp of {@link Math#exp}: Cephes' {@code expf} (a
     * degree-6 polynomial on {@code x − n·ln 2}, scaled by {@code 2^n}) in basic IEEE operations
     * only, so that it gives the same bits interpreted or compiled, unlike {@code lanewise(EXP)}.
     * Overflows to infinity above 88.72; underflows gradually, to 0 below −104.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector e = expFinite(x.max(-104f).min(EXP_OVERFLOW));
        return e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_OVERFLOW));
    }

    // exp() in steps of at most 35 bytecodes each, so that C2 always inlines them (see sum)
    private static FloatVector expFinite(FloatVector clamped) {
        FloatVector rounded = clamped.fma(LOG2E, ROUNDER);
        return scaleByPowerOfTwo(expPolynomial(reduce(clamped, rounded)), rounded);
    }

    /** {@code r = x − n·ln 2} with {@code n = rounded − ROUNDER}, in two steps (Cody and Waite). */
    private static FloatVector reduce(FloatVector clamped, FloatVector rounded) {
        FloatVector n = rounded.sub(ROUNDER);
        return n.fma(MINUS_LN2_LOW, n.fma(MINUS_LN2_HIGH, clamped));
    }

    private static FloatVector expPolynomial(FloatVector r) {
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        return expPolynomialTail(r, p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f)));
    }

    private static FloatVector expPolynomialTail(FloatVector r, FloatVector p) {
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        return expPolynomialEnd(r, p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f)));
    }

    private static FloatVector expPolynomialEnd(FloatVector r, FloatVector p) {
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        return p.fma(r.mul(r), r).add(1f);
    }

    /**
     * {@code y · 2^n}, {@code n} in the low bits of {@code rounded}: 2^n as two factors, each a
     * normal float for n in [-150, 128], so the product rounds once at most.
     */
    private static FloatVector scaleByPowerOfTwo(FloatVector y, FloatVector rounded) {
        IntVector k = rounded.reinterpretAsInts().sub(ROUNDER_BITS);
        return scaleByPowersOfTwo(y, k, k.lanewise(VectorOperators.ASHR, 1));
    }

    private static FloatVector scaleByPowersOfTwo(FloatVector y, IntVector k, IntVector k1) {
        return y.mul(powerOfTwo(k1)).mul(powerOfTwo(k.sub(k1)));
    }

    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** {@code tanh(x) = 1 − 2 / (e^{2x} + 1)}, exact at ±∞; absolute error about 2^-23. */
    static FloatVector tanh(FloatVector x) {
        return FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(exp(x.add(x)).add(1f)));
    }
}
