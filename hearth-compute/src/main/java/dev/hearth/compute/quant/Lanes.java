package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the format kernels compute in, and the loads they share.
 *
 * <p>{@link #F} is the machine's preferred float vector ({@code L} = 8 lanes on AVX2, 16 on
 * AVX-512); {@link #B}, {@link #S} and {@link #I} are byte, short and int vectors with the same
 * number of lanes, so that a block's packed levels widen lane for lane into floats. Block formats
 * use their fused kernels only when {@code L} is 8 or 16 ({@link #BLOCK_KERNELS}): 32-element
 * blocks are then whole vectors. Elsewhere (128-bit NEON) they fall back to dequantizing rows.
 */
final class Lanes {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(16 * L));
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * L)));
    static final boolean BLOCK_KERNELS = L == 8 || L == 16;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final int HALF_MAGNITUDE = 0x7FFF;
    private static final int HALF_EXPONENT = 0x7C00;

    /**
     * The shuffles that sum a vector's {@code L} lanes in a fixed order, pairwise, halves first (the
     * {@code k}th brings lane {@code i + L/2^k} onto lane {@code i}): a kernel ends with
     * {@code for (fold : FOLDS) v = v.add(v.rearrange(fold))} and takes lane 0. {@code reduceLanes(ADD)}
     * leaves the order to the implementation, and the interpreter's and the compiler's differ, so a
     * row's result would change once its kernel is compiled.
     *
     * <p>Each kernel writes this loop out rather than calling a helper that takes the vector: C2
     * inlines a call made once per row only if the call site's profile says it is frequent enough,
     * and a profile counted partly before the method was profiled can say it is not; the helper is
     * then left as a call, every vector crossing it is allocated on the heap, and the kernel runs 2
     * to 3 times slower (Q4_K, Q6_K and Q4_0 rows were seen to, from run to run).
     */
    @SuppressWarnings("unchecked")
    static final VectorShuffle<Float>[] FOLDS = IntStream.iterate(L / 2, k -> k >= 1, k -> k / 2)
            .mapToObj(k -> VectorShuffle.fromOp(F, i -> (i + k) % L)).toArray(VectorShuffle[]::new);

    /**
     * Shuffles that spread lane {@code k} to every lane: a K-quant's super-block scales are widened
     * into one vector, and each sub-block's is taken from it with one permute. Constants, one per
     * lane, so that the kernels written out sub-block by sub-block name them and C2 folds them.
     */
    static final VectorShuffle<Float> SPREAD_0 = VectorShuffle.fromOp(F, i -> 0);
    static final VectorShuffle<Float> SPREAD_1 = VectorShuffle.fromOp(F, i -> 1);
    static final VectorShuffle<Float> SPREAD_2 = VectorShuffle.fromOp(F, i -> 2);
    static final VectorShuffle<Float> SPREAD_3 = VectorShuffle.fromOp(F, i -> 3);
    static final VectorShuffle<Float> SPREAD_4 = VectorShuffle.fromOp(F, i -> 4);
    static final VectorShuffle<Float> SPREAD_5 = VectorShuffle.fromOp(F, i -> 5);
    static final VectorShuffle<Float> SPREAD_6 = VectorShuffle.fromOp(F, i -> 6);
    static final VectorShuffle<Float> SPREAD_7 = VectorShuffle.fromOp(F, i -> 7);

    /**
     * Eight bytes packed in a long, as the species a kernel broadcasts them in before widening
     * them lane for lane to floats ({@code B2F}): 128 bits, so that the widening has one source
     * shape for 8 and 16 float lanes (a one-lane 64-bit vector is not compiled to vector code).
     */
    static final VectorSpecies<Long> EIGHT_BYTES = LongVector.SPECIES_128;

    private Lanes() {
    }

    /** {@code L} signed bytes at {@code at}, as floats. */
    static FloatVector bytes(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * {@code L} signed bytes at {@code at}, widened to ints: packed levels are unpacked in int lanes,
     * because x86 has no byte shifts and the JIT's emulation of them is slow.
     */
    static IntVector ints(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    /** {@code L} unsigned bytes at {@code at}, widened to ints (as {@link #ints}, without the sign). */
    static IntVector unsignedInts(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Int lanes as floats. */
    static FloatVector toFloats(IntVector levels) {
        return (FloatVector) levels.convert(VectorOperators.I2F, 0);
    }

    /** {@code L} little-endian floats at {@code at}. */
    static FloatVector floats(MemorySegment w, long at) {
        return FloatVector.fromMemorySegment(F, w, at, LE);
    }

    /**
     * {@code L} IEEE halves at {@code at}, widened exactly (as {@link Float#float16ToFloat}): the
     * magnitude bits shifted into a float's place and multiplied by 2^112 re-bias normals and
     * subnormals alike; infinities get the float's all-ones exponent instead, and NaNs come out
     * quiet with their payload, as the JDK (and x86's {@code vcvtph2ps}) widen them.
     */
    static FloatVector halves(MemorySegment w, long at) {
        return widenHalves(shortsAsInts(w, at));
    }

    // halves() in steps of at most 35 bytecodes each, so that C2 always inlines them (see sum)
    private static IntVector shortsAsInts(MemorySegment w, long at) {
        return (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0);
    }

    private static FloatVector widenHalves(IntVector h) {
        return magnitudeBits(h.and(HALF_MAGNITUDE)).or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsFloats();
    }

    private static IntVector magnitudeBits(IntVector magnitude) {
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        return specialBits(magnitude, shifted, shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts());
    }

    private static IntVector specialBits(IntVector magnitude, IntVector shifted, IntVector finite) {
        return nanBits(magnitude, shifted,
                finite.blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.EQ, HALF_EXPONENT)));
    }

    private static IntVector nanBits(IntVector magnitude, IntVector shifted, IntVector bits) {
        return bits.blend(shifted.or(0x7FC00000), magnitude.compare(VectorOperators.GT, HALF_EXPONENT));
    }

    /** {@code L} bfloat16 values at {@code at}: each is the upper half of a float. */
    static FloatVector bf16s(MemorySegment w, long at) {
        return shortsAsInts(w, at).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector x(float[] x, int offset) {
        return FloatVector.fromArray(F, x, offset);
    }
}
