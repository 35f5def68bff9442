package dev.hearth.model.convert;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds small llama2.c files for tests, written independently of the reader: a header from the
 * given fields, and weights whose float {@code k} (counting from the first weight) has the value
 * {@code k}, so every slice shows where in the file it came from.
 */
final class Llama2cFiles {
    private Llama2cFiles() {}

    /** A legacy checkpoint: seven int32s (vocab negated when {@code shared} is false), then {@code floats} weights. */
    static byte[] legacy(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen,
            boolean shared, long floats) {
        ByteBuffer b = le(28 + 4 * Math.toIntExact(floats));
        b.putInt(dim).putInt(hidden).putInt(layers).putInt(heads).putInt(kvHeads).putInt(shared ? vocab : -vocab).putInt(seqLen);
        countingFloats(b, floats);
        return b.array();
    }

    /** A version-1 checkpoint: magic, version, seven int32s, shared flag, zeros to 256, then {@code floats} weights. */
    static byte[] version1(int version, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen,
            int sharedFlag, long floats) {
        ByteBuffer b = le(256 + 4 * Math.toIntExact(floats));
        b.putInt(0x616b3432).putInt(version);
        b.putInt(dim).putInt(hidden).putInt(layers).putInt(heads).putInt(kvHeads).putInt(vocab).putInt(seqLen);
        b.put((byte) sharedFlag);
        b.position(256);
        countingFloats(b, floats);
        return b.array();
    }

    /** Floats a legacy file holds (RoPE tables included) for these sizes. */
    static long legacyFloats(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen, boolean shared) {
        long kvDim = (long) dim / heads * kvHeads;
        long perLayer = 2L * dim + 2L * dim * dim + 2 * kvDim * dim + 3L * hidden * dim;
        return (long) vocab * dim + layers * perLayer + dim + (long) seqLen * (dim / heads) + (shared ? 0 : (long) vocab * dim);
    }

    /** A tokenizer file: {@code maxTokenLength}, then (score, length, UTF-8 bytes) per piece. */
    static byte[] tokenizer(int maxTokenLength, List<String> pieces, float[] scores) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(4).putInt(maxTokenLength).array());
        for (int i = 0; i < pieces.size(); i++) {
            byte[] piece = pieces.get(i).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(8).putFloat(scores[i]).putInt(piece.length).array());
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    private static void countingFloats(ByteBuffer b, long floats) {
        for (long k = 0; k < floats; k++) {
            b.putFloat(k);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
