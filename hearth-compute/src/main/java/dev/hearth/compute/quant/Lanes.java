package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    /** Shuffles that bring lane {@code i + k} onto lane {@code i}, for the pairwise {@link #sum}. */
    private static final VectorShuffle<Float> FOLD_8 = VectorShuffle.fromOp(F, i -> (i + 8) % L);
    private static final VectorShuffle<Float> FOLD_4 = VectorShuffle.fromOp(F, i -> (i + 4) % L);
    private static final VectorShuffle<Float> FOLD_2 = VectorShuffle.fromOp(F, i -> (i + 2) % L);
    private static final VectorShuffle<Float> FOLD_1 = VectorShuffle.fromOp(F, i -> (i + 1) % L);

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

    /**
     * The sum of the lanes, in a fixed order: pairwise, halves first. {@code reduceLanes(ADD)}
     * leaves the order to the implementation, and the interpreter's and the compiler's differ, so a
     * row's result would change once its kernel is compiled.
     *
     * <p>Written as a chain of methods of at most 35 bytes of bytecode, which C2 inlines whatever
     * its heuristics say of the call site; a larger helper that takes or returns a vector is
     * sometimes left as a call, and then every vector crossing the call is allocated on the heap.
     */
    static float sum(FloatVector v) {
        return L >= 16 ? sum8(fold(v, FOLD_8)) : sum8(v);
    }

    private static float sum8(FloatVector v) {
        return L >= 8 ? sum4(fold(v, FOLD_4)) : sum4(v);
    }

    private static float sum4(FloatVector v) {
        return fold(fold(v, FOLD_2), FOLD_1).lane(0);
    }

    /** {@code v[i] + v[i + k]} in lane {@code i}, for the shuffle that brings lane {@code i + k} to {@code i}. */
    private static FloatVector fold(FloatVector v, VectorShuffle<Float> shuffle) {
        return v.add(v.rearrange(shuffle));
    }
}
