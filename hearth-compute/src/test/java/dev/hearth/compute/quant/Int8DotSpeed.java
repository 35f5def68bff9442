package dev.hearth.compute.quant;

import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * A throwaway speed check, not a test: would llama.cpp's integer path beat the fused float kernels
 * of {@link Q8_0} and {@link Q4_0}? The integer path quantizes the activations once per product
 * into Q8_0 blocks (ggml's {@code quantize_row_q8_0}: 32 signed bytes and a scale rounded to fp16),
 * then multiplies each weight block with each activation block in integers and scales the block's
 * integer sum once by {@code d_w · d_x}, as ggml's {@code vec_dot_q8_0_q8_0} and
 * {@code vec_dot_q4_0_q8_0} do.
 *
 * <p>The Vector API has no byte multiply-add into ints (x86's {@code vpmaddubsw}/{@code vpdpbusd},
 * which llama.cpp relies on), so two ways of multiplying in integers are measured:
 * <ul>
 * <li><b>int</b>: {@code L} bytes of each side widened to {@code L} int lanes, multiplied
 *     ({@code vpmulld}) and added in int lanes;</li>
 * <li><b>short</b>: {@code L} bytes widened to {@code L} short lanes, multiplied ({@code vpmullw}),
 *     the two products of a lane (element {@code i} and {@code i + 16}) added in short (they fit:
 *     at most 2 · 128 · 127 for Q8_0, 2 · 8 · 127 for Q4_0), and the block's sums widened to int
 *     once. Its several-token kernel takes two tokens per pass, not four: with four, C2 stops
 *     inlining at its node-count cutoff, the helpers stay calls and every vector crossing them is
 *     boxed (ten times slower).</li>
 * </ul>
 * Both against the float kernels in the same run, the same rows split over the same pool, the
 * variants taking turns round by round (best of seven), the activations' quantization counted in
 * the integer paths' time and also shown alone. Qwen2.5-0.5B's feed-forward shape, 896 × 4864.
 * Run with {@code java --add-modules jdk.incubator.vector
 * -cp target/classes:target/test-classes dev.hearth.compute.quant.Int8DotSpeed [threads...]}.
 *
 * <p>Outcome on a 2-core AVX-512 Xeon (16 float lanes): neither integer path beats the float
 * kernels, so they stay as they are. One token: about as fast at best, usually 15–45% slower;
 * 32 tokens: 1.5–2.5 times slower. Without a byte multiply-add the integer block costs more
 * instructions than the float one (each activation block must be widened too, per token, where
 * the float kernels feed activations straight into a multiply-add from memory), and smaller
 * activations save nothing that matters: they sit in L1 either way.
 */
final class Int8DotSpeed {

    private static final int BLOCK = 32;
    private static final int QS = 2;
    private static final int Q8_0_BYTES = 34;
    private static final int Q4_0_BYTES = 18;

    private Int8DotSpeed() {
    }

    /** Activations quantized to Q8_0 blocks: 32 bytes per block in {@code q}, the fp16-rounded scale in {@code d}. */
    record Q8Activations(byte[] q, float[] d) {
        static Q8Activations of(int tokens, int cols) {
            return new Q8Activations(new byte[tokens * cols], new float[tokens * cols / BLOCK]);
        }
    }

    /** ggml's {@code quantize_row_q8_0_ref} over {@code n} floats (whole blocks). */
    static void quantize(float[] x, int n, Q8Activations out) {
        for (int b = 0; b < n / BLOCK; b++) {
            float amax = 0;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(x[b * BLOCK + i]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.d[b] = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int i = 0; i < BLOCK; i++) {
                double scaled = x[b * BLOCK + i] * id;   // C's roundf: ties away from zero
                out.q[b * BLOCK + i] = (byte) Math.copySign(Math.floor(Math.abs(scaled) + 0.5), scaled);
            }
        }
    }

    // ---- Q8_0 × Q8_0, int lanes ----

    static void q8IntRows(MemorySegment w, int cols, int from, int to, Q8Activations x, int tokens, float[] y, int rows) {
        long rowBytes = (long) cols / BLOCK * Q8_0_BYTES;
        for (int r = from; r < to; r++) {
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                q8Int4(w, r * rowBytes, cols, x, t * cols, y, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                y[t * rows + r] = q8Int(w, r * rowBytes, cols, x, t * cols);
            }
        }
    }

    static float q8Int(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * Q8_0_BYTES;
            int xb = xOffset + b * BLOCK;
            IntVector acc = IntVector.zero(Lanes.I);
            for (int i = 0; i < BLOCK; i += Lanes.L) {
                acc = Lanes.ints(w, at + QS + i).mul(xInts(x.q, xb + i)).add(acc);
            }
            sum = Lanes.toFloats(acc).fma(FloatVector.broadcast(Lanes.F, Blocks.half(w, at) * x.d[xb / BLOCK]), sum);
        }
        return sum(sum);
    }

    static void q8Int4(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset, float[] y, int yOffset,
            int yStride) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        FloatVector a2 = FloatVector.zero(Lanes.F);
        FloatVector a3 = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long at = rowAt + (long) b * Q8_0_BYTES;
            int xb = xOffset + b * BLOCK;
            float d = Blocks.half(w, at);
            IntVector i0 = IntVector.zero(Lanes.I);
            IntVector i1 = IntVector.zero(Lanes.I);
            IntVector i2 = IntVector.zero(Lanes.I);
            IntVector i3 = IntVector.zero(Lanes.I);
            for (int i = 0; i < BLOCK; i += Lanes.L) {
                IntVector v = Lanes.ints(w, at + QS + i);
                i0 = v.mul(xInts(x.q, xb + i)).add(i0);
                i1 = v.mul(xInts(x.q, xb + cols + i)).add(i1);
                i2 = v.mul(xInts(x.q, xb + 2 * cols + i)).add(i2);
                i3 = v.mul(xInts(x.q, xb + 3 * cols + i)).add(i3);
            }
            int xd = xb / BLOCK;
            a0 = Lanes.toFloats(i0).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd]), a0);
            a1 = Lanes.toFloats(i1).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + blocks]), a1);
            a2 = Lanes.toFloats(i2).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + 2 * blocks]), a2);
            a3 = Lanes.toFloats(i3).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + 3 * blocks]), a3);
        }
        y[yOffset] = sum(a0);
        y[yOffset + yStride] = sum(a1);
        y[yOffset + 2 * yStride] = sum(a2);
        y[yOffset + 3 * yStride] = sum(a3);
    }

    /** The lanes summed in {@link Lanes#FOLDS}' order, as the float kernels end. */
    private static float sum(FloatVector v) {
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    private static IntVector xInts(byte[] q, int at) {
        return (IntVector) ByteVector.fromArray(Lanes.B, q, at).convertShape(VectorOperators.B2I, Lanes.I, 0);
    }

    private static ShortVector xShorts(byte[] q, int at) {
        return (ShortVector) ByteVector.fromArray(Lanes.B, q, at).convertShape(VectorOperators.B2S, Lanes.S, 0);
    }

    private static ShortVector wShorts(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(Lanes.B, w, at, Lanes.LE)
                .convertShape(VectorOperators.B2S, Lanes.S, 0);
    }

    private static FloatVector shortsToFloats(ShortVector s) {
        return Lanes.toFloats((IntVector) s.convertShape(VectorOperators.S2I, Lanes.I, 0));
    }

    // ---- Q8_0 × Q8_0, short lanes (L = 16 only: two products per lane fit a short, four may not) ----

    static void q8ShortRows(MemorySegment w, int cols, int from, int to, Q8Activations x, int tokens, float[] y,
            int rows) {
        long rowBytes = (long) cols / BLOCK * Q8_0_BYTES;
        for (int r = from; r < to; r++) {
            int t = 0;
            for (; t + 2 <= tokens; t += 2) {
                q8Short2(w, r * rowBytes, cols, x, t * cols, y, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                y[t * rows + r] = q8Short(w, r * rowBytes, cols, x, t * cols);
            }
        }
    }

    static float q8Short(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * Q8_0_BYTES;
            int xb = xOffset + b * BLOCK;
            ShortVector p = wShorts(w, at + QS).mul(xShorts(x.q, xb))
                    .add(wShorts(w, at + QS + 16).mul(xShorts(x.q, xb + 16)));
            sum = shortsToFloats(p).fma(FloatVector.broadcast(Lanes.F, Blocks.half(w, at) * x.d[xb / BLOCK]), sum);
        }
        return sum(sum);
    }

    static void q8Short2(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset, float[] y, int yOffset,
            int yStride) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long at = rowAt + (long) b * Q8_0_BYTES;
            int xb = xOffset + b * BLOCK;
            float d = Blocks.half(w, at);
            ShortVector lo = wShorts(w, at + QS);
            ShortVector hi = wShorts(w, at + QS + 16);
            int xd = xb / BLOCK;
            ShortVector p0 = lo.mul(xShorts(x.q, xb)).add(hi.mul(xShorts(x.q, xb + 16)));
            a0 = shortsToFloats(p0).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd]), a0);
            ShortVector p1 = lo.mul(xShorts(x.q, xb + cols)).add(hi.mul(xShorts(x.q, xb + cols + 16)));
            a1 = shortsToFloats(p1).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + blocks]), a1);
        }
        y[yOffset] = sum(a0);
        y[yOffset + yStride] = sum(a1);
    }

    // ---- Q4_0 × Q8_0, int lanes ----

    static void q4IntRows(MemorySegment w, int cols, int from, int to, Q8Activations x, int tokens, float[] y,
            int rows) {
        long rowBytes = (long) cols / BLOCK * Q4_0_BYTES;
        for (int r = from; r < to; r++) {
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                q4Int4(w, r * rowBytes, cols, x, t * cols, y, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                y[t * rows + r] = q4Int(w, r * rowBytes, cols, x, t * cols);
            }
        }
    }

    static float q4Int(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * Q4_0_BYTES;
            int xb = xOffset + b * BLOCK;
            IntVector acc = IntVector.zero(Lanes.I);
            for (int j = 0; j < 16; j += Lanes.L) {
                IntVector packed = Lanes.ints(w, at + QS + j);
                acc = low(packed).mul(xInts(x.q, xb + j)).add(acc);
                acc = high(packed).mul(xInts(x.q, xb + 16 + j)).add(acc);
            }
            sum = Lanes.toFloats(acc).fma(FloatVector.broadcast(Lanes.F, Blocks.half(w, at) * x.d[xb / BLOCK]), sum);
        }
        return sum(sum);
    }

    static void q4Int4(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset, float[] y, int yOffset,
            int yStride) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        FloatVector a2 = FloatVector.zero(Lanes.F);
        FloatVector a3 = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long at = rowAt + (long) b * Q4_0_BYTES;
            int xb = xOffset + b * BLOCK;
            float d = Blocks.half(w, at);
            IntVector i0 = IntVector.zero(Lanes.I);
            IntVector i1 = IntVector.zero(Lanes.I);
            IntVector i2 = IntVector.zero(Lanes.I);
            IntVector i3 = IntVector.zero(Lanes.I);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                IntVector packed = Lanes.ints(w, at + QS + j % 16);
                IntVector v = j < 16 ? low(packed) : high(packed);
                i0 = v.mul(xInts(x.q, xb + j)).add(i0);
                i1 = v.mul(xInts(x.q, xb + cols + j)).add(i1);
                i2 = v.mul(xInts(x.q, xb + 2 * cols + j)).add(i2);
                i3 = v.mul(xInts(x.q, xb + 3 * cols + j)).add(i3);
            }
            int xd = xb / BLOCK;
            a0 = Lanes.toFloats(i0).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd]), a0);
            a1 = Lanes.toFloats(i1).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + blocks]), a1);
            a2 = Lanes.toFloats(i2).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + 2 * blocks]), a2);
            a3 = Lanes.toFloats(i3).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + 3 * blocks]), a3);
        }
        y[yOffset] = sum(a0);
        y[yOffset + yStride] = sum(a1);
        y[yOffset + 2 * yStride] = sum(a2);
        y[yOffset + 3 * yStride] = sum(a3);
    }

    private static IntVector low(IntVector packed) {
        return packed.and(0xF).sub(8);
    }

    private static IntVector high(IntVector packed) {
        return packed.lanewise(VectorOperators.ASHR, 4).and(0xF).sub(8);
    }

    // ---- Q4_0 × Q8_0, short lanes ----

    static void q4ShortRows(MemorySegment w, int cols, int from, int to, Q8Activations x, int tokens, float[] y,
            int rows) {
        long rowBytes = (long) cols / BLOCK * Q4_0_BYTES;
        for (int r = from; r < to; r++) {
            int t = 0;
            for (; t + 2 <= tokens; t += 2) {
                q4Short2(w, r * rowBytes, cols, x, t * cols, y, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                y[t * rows + r] = q4Short(w, r * rowBytes, cols, x, t * cols);
            }
        }
    }

    static float q4Short(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * Q4_0_BYTES;
            int xb = xOffset + b * BLOCK;
            ShortVector packed = wShorts(w, at + QS);   // L = 16: the block's 16 bytes
            ShortVector p = lowS(packed).mul(xShorts(x.q, xb)).add(highS(packed).mul(xShorts(x.q, xb + 16)));
            sum = shortsToFloats(p).fma(FloatVector.broadcast(Lanes.F, Blocks.half(w, at) * x.d[xb / BLOCK]), sum);
        }
        return sum(sum);
    }

    static void q4Short2(MemorySegment w, long rowAt, int cols, Q8Activations x, int xOffset, float[] y, int yOffset,
            int yStride) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long at = rowAt + (long) b * Q4_0_BYTES;
            int xb = xOffset + b * BLOCK;
            float d = Blocks.half(w, at);
            ShortVector packed = wShorts(w, at + QS);
            ShortVector lo = lowS(packed);
            ShortVector hi = highS(packed);
            int xd = xb / BLOCK;
            ShortVector p0 = lo.mul(xShorts(x.q, xb)).add(hi.mul(xShorts(x.q, xb + 16)));
            a0 = shortsToFloats(p0).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd]), a0);
            ShortVector p1 = lo.mul(xShorts(x.q, xb + cols)).add(hi.mul(xShorts(x.q, xb + cols + 16)));
            a1 = shortsToFloats(p1).fma(FloatVector.broadcast(Lanes.F, d * x.d[xd + blocks]), a1);
        }
        y[yOffset] = sum(a0);
        y[yOffset + yStride] = sum(a1);
    }

    private static ShortVector lowS(ShortVector packed) {
        return packed.and((short) 0xF).sub((short) 8);
    }

    private static ShortVector highS(ShortVector packed) {
        return packed.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
    }

    // ---- harness ----

    private interface Product {
        void run(int tokens);
    }

    public static void main(String[] args) {
        if (Lanes.L != 16) {
            throw new IllegalStateException("the short-lane variants assume 16 float lanes (AVX-512), got " + Lanes.L);
        }
        int rows = 896;
        int cols = 4864;
        int[] threadCounts = Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        if (threadCounts.length == 0) {
            threadCounts = new int[] {1, 2};
        }
        Random random = new Random(1);
        for (int threads : threadCounts) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                    FusedDot fused = WeightFormats.fusedDot(type).orElseThrow();
                    MemorySegment w = Arena.ofAuto().allocate(type.byteSize((long) rows * cols), 64);
                    float[] values = new float[rows * cols];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) random.nextGaussian();
                    }
                    WeightFormats.quantizer(type).quantize(values, 0, values.length, w, 0);
                    boolean q8 = type == GgmlType.Q8_0;
                    for (int tokens : new int[] {1, 32}) {
                        float[] x = new float[tokens * cols];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                        float[] yFloat = new float[tokens * rows];
                        float[] yInt = new float[tokens * rows];
                        float[] yShort = new float[tokens * rows];
                        Q8Activations xq = Q8Activations.of(tokens, cols);
                        int grain = Math.max(ceilDiv(rows, 4 * threads), ceilDiv(1 << 15, cols * tokens));
                        Product floatPath = n -> pool.forRanges(rows, grain, n == 1
                                ? (from, to) -> fused.matVecRows(w, cols, from, to, x, 0, yFloat, 0)
                                : (from, to) -> fused.matMulRows(w, cols, from, to, x, 0, n, yFloat, 0, rows));
                        Product intPath = n -> {
                            quantize(x, n * cols, xq);
                            pool.forRanges(rows, grain, q8
                                    ? (from, to) -> q8IntRows(w, cols, from, to, xq, n, yInt, rows)
                                    : (from, to) -> q4IntRows(w, cols, from, to, xq, n, yInt, rows));
                        };
                        Product shortPath = n -> {
                            quantize(x, n * cols, xq);
                            pool.forRanges(rows, grain, q8
                                    ? (from, to) -> q8ShortRows(w, cols, from, to, xq, n, yShort, rows)
                                    : (from, to) -> q4ShortRows(w, cols, from, to, xq, n, yShort, rows));
                        };
                        Product quantizeOnly = n -> quantize(x, n * cols, xq);
                        Product[] paths = {floatPath, intPath, shortPath, quantizeOnly};
                        String[] names = {"float", "int8·int", "int8·short", "(quantize x)"};
                        int reps = tokens == 1 ? 400 : 20;
                        double[] best = new double[paths.length];
                        Arrays.fill(best, Double.MAX_VALUE);
                        for (int round = 0; round < 7; round++) {
                            for (int p = 0; p < paths.length; p++) {
                                long start = System.nanoTime();
                                for (int i = 0; i < reps; i++) {
                                    paths[p].run(tokens);
                                }
                                best[p] = Math.min(best[p], (System.nanoTime() - start) / 1e9 / reps);
                            }
                        }
                        for (int p = 0; p < paths.length; p++) {
                            System.out.printf("%d threads  %-5s %d×%d  tokens %2d  %-10s %8.1f µs  %6.1f GB/s of weights%n",
                                    threads, type, rows, cols, tokens, names[p], best[p] * 1e6,
                                    w.byteSize() / best[p] / 1e9);
                        }
                        System.out.printf("   max |int − float| / max |float|: int %.2e, short %.2e%n",
                                relativeDifference(yInt, yFloat), relativeDifference(yShort, yFloat));
                    }
                }
            }
        }
    }

    private static double relativeDifference(float[] a, float[] b) {
        double diff = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            max = Math.max(max, Math.abs(b[i]));
        }
        return diff / max;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
