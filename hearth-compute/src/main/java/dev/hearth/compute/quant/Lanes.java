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
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(HALF_MAGNITUDE);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infinite = magnitude.compare(VectorOperators.EQ, HALF_EXPONENT);
        VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, HALF_EXPONENT);
        IntVector bits = finite.blend(shifted.or(0x7F800000), infinite).blend(shifted.or(0x7FC00000), nan);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return bits.or(sign).reinterpretAsFloats();
    }

    /** {@code L} bfloat16 values at {@code at}: each is the upper half of a float. */
    static FloatVector bf16s(MemorySegment w, long at) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector x(float[] x, int offset) {
        return FloatVector.fromArray(F, x, offset);
    }

    /**
     * The sum of the lanes, in a fixed order: pairwise, halves first. {@code reduceLanes(ADD)}
     * leaves the order to the implementation, and the interpreter's and the compiler's differ, so a
     * row's result would change once its kernel is compiled.
     */
    static float sum(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(FOLD_2));
        }
        return v.add(v.rearrange(FOLD_1)).lane(0);
    }
}
