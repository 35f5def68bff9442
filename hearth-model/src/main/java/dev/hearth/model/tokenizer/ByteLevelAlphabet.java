package dev.hearth.model.tokenizer;

/**
 * GPT-2's byte-to-unicode alphabet: every byte value stands for one printable character, so that
 * byte-level BPE vocabularies can store arbitrary bytes as text.
 *
 * <p>Bytes that are already printable and not a space ({@code !}..{@code ~}, {@code ¡}..{@code ¬},
 * {@code ®}..{@code ÿ}) stand for themselves; the other 68 (controls, space, DEL, NBSP, soft
 * hyphen…) take the characters from U+0100 upwards in byte order, which is why a space shows as
 * {@code Ġ} (U+0120) and a newline as {@code Ċ} (U+010A).
 */
public final class ByteLevelAlphabet {
    private static final char[] CHAR_OF_BYTE = new char[256];
    // character → byte + 1, 0 for characters outside the alphabet; the alphabet ends below U+0144
    private static final short[] BYTE_OF_CHAR = new short[0x144];

    static {
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            char c = standsForItself(b) ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = (short) (b + 1);
        }
    }

    private ByteLevelAlphabet() {}

    private static boolean standsForItself(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that stands for byte {@code b} (0..255, or a signed Java byte). */
    public static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte that character {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    static int byteOf(int c) {
        return c >= 0 && c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] - 1 : -1;
    }

    /** Maps each byte of {@code bytes[0..length)} to its character. */
    static String encode(byte[] bytes, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = charOf(bytes[i]);
        }
        return new String(chars);
    }
}
