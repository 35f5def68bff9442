package dev.hearth.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes tokens one at a time as a generator produces them, returning only whole UTF-8
 * characters: bytes of a character split across tokens are held back until it is complete.
 *
 * <p>Not thread-safe: one decoder per sequence.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean atStart = true;

    StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token and returns the text that is now complete (possibly empty). */
    public String accept(int id) {
        pending.writeBytes(tokenizer.tokenBytes(id, atStart, renderSpecial));
        atStart = false;
        byte[] all = pending.toByteArray();
        int complete = completePrefixLength(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is still held back, invalid bytes as U+FFFD; call once the stream ends. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Length of the longest prefix that does not end inside an unfinished UTF-8 sequence. */
    static int completePrefixLength(byte[] bytes) {
        int n = bytes.length;
        for (int back = 1; back <= Math.min(4, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) != 0x80) { // the lead byte of the last sequence
                int need = b >= 0xF8 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return back < need ? n - back : n;
            }
        }
        return n; // only continuation bytes: invalid, the decoder replaces them
    }
}
