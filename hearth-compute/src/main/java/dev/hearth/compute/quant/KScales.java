package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 12 bytes in which Q4_K and Q5_K pack eight 6-bit sub-block scales and eight 6-bit mins
 * (ggml's {@code get_scale_min_k4} layout).
 *
 * <p>Sub-blocks 0–3 keep their scale in the low 6 bits of byte {@code j} and their min in the low 6
 * bits of byte {@code j + 4}. Sub-blocks 4–7 keep the low 4 bits of scale and min in the two
 * nibbles of byte {@code j + 4}, and the high 2 bits of each in the top bits of bytes
 * {@code j - 4} (scale) and {@code j} (min), which sub-blocks 0–3 leave free.
 */
final class KScales {

    static final int BYTES = 12;
    static final int SUB_BLOCKS = 8;

    private KScales() {
    }

    /** The 6-bit scale of sub-block {@code j}, from the packed bytes at {@code offset}. */
    static int scale(MemorySegment block, long offset, int j) {
        if (j < 4) {
            return Blocks.unsignedByte(block, offset + j) & 63;
        }
        return (Blocks.unsignedByte(block, offset + j + 4) & 0xF)
                | ((Blocks.unsignedByte(block, offset + j - 4) >> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j}, from the packed bytes at {@code offset}. */
    static int min(MemorySegment block, long offset, int j) {
        if (j < 4) {
            return Blocks.unsignedByte(block, offset + j + 4) & 63;
        }
        return (Blocks.unsignedByte(block, offset + j + 4) >> 4)
                | ((Blocks.unsignedByte(block, offset + j) >> 6) << 4);
    }

    /**
     * The 6-bit scale of sub-block {@code j}, from the 12 packed bytes read as a little-endian long
     * (bytes 0–7) and int (bytes 8–11): {@link #scale(MemorySegment, long, int)} without a memory
     * access per field, for the dot-product kernels.
     */
    static int scale(long bytes0to7, int bytes8to11, int j) {
        if (j < 4) {
            return packedByte(bytes0to7, bytes8to11, j) & 63;
        }
        return (packedByte(bytes0to7, bytes8to11, j + 4) & 0xF) | ((packedByte(bytes0to7, bytes8to11, j - 4) >> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j}, from the packed bytes as {@link #scale(long, int, int)} reads them. */
    static int min(long bytes0to7, int bytes8to11, int j) {
        if (j < 4) {
            return packedByte(bytes0to7, bytes8to11, j + 4) & 63;
        }
        return (packedByte(bytes0to7, bytes8to11, j + 4) >> 4) | ((packedByte(bytes0to7, bytes8to11, j) >> 6) << 4);
    }

    /**
     * The eight 6-bit scales, one per byte (sub-block {@code j} in byte {@code j}, little-endian), from
     * the packed bytes as {@link #scale(long, int, int)} reads them: decoded all at once, as ggml's
     * {@code utmp} shuffle does, so that a kernel decodes a super-block's scales with a dozen
     * operations and then takes each with a shift.
     */
    static long scales(long bytes0to7, int bytes8to11) {
        int low = (int) bytes0to7;
        int high = (bytes8to11 & 0x0F0F0F0F) | (((low >>> 6) & 0x03030303) << 4);
        return (low & 0x3F3F3F3FL) | ((long) high << 32);
    }

    /** {@link #scales(long, int)} of the 12 packed bytes at {@code offset}. */
    static long scales(MemorySegment block, long offset) {
        return scales(block.get(Blocks.LONG_LE, offset), block.get(Blocks.INT_LE, offset + 8));
    }

    /** {@link #mins(long, int)} of the 12 packed bytes at {@code offset}. */
    static long mins(MemorySegment block, long offset) {
        return mins(block.get(Blocks.LONG_LE, offset), block.get(Blocks.INT_LE, offset + 8));
    }

    /** The eight 6-bit mins, one per byte, as {@link #scales(long, int)} lays out the scales. */
    static long mins(long bytes0to7, int bytes8to11) {
        int low = (int) (bytes0to7 >>> 32);
        int high = ((bytes8to11 >>> 4) & 0x0F0F0F0F) | (((low >>> 6) & 0x03030303) << 4);
        return (low & 0x3F3F3F3FL) | ((long) high << 32);
    }

    /** Sub-block {@code j}'s field of {@link #scales} or {@link #mins}: byte {@code j} of the long. */
    static int field(long bytes, int j) {
        return (int) (bytes >>> (8 * j)) & 0xFF;
    }

    private static int packedByte(long bytes0to7, int bytes8to11, int k) {
        return k < 8 ? (int) (bytes0to7 >>> (8 * k)) & 0xFF : (bytes8to11 >>> (8 * (k - 8))) & 0xFF;
    }

    /** Packs eight 6-bit scales and mins into the 12 bytes at {@code offset}. */
    static void pack(int[] scales, int[] mins, MemorySegment block, long offset) {
        byte[] packed = new byte[BYTES];
        for (int j = 0; j < SUB_BLOCKS; j++) {
            int scale = scales[j];
            int min = mins[j];
            if (j < 4) {
                packed[j] = (byte) scale;
                packed[j + 4] = (byte) min;
            } else {
                packed[j + 4] = (byte) ((scale & 0xF) | ((min & 0xF) << 4));
                packed[j - 4] |= (byte) ((scale >> 4) << 6);
                packed[j] |= (byte) ((min >> 4) << 6);
            }
        }
        MemorySegment.copy(MemorySegment.ofArray(packed), 0, block, offset, BYTES);
    }
}
