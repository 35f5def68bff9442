package dev.hearth.kb.document;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Bytes of a text file to a String: a byte-order mark decides when there is one; otherwise strict
 * UTF-8, then strict GB18030 (what Chinese editors on Windows save as "ANSI"). Files that look
 * binary are refused rather than decoded into garbage.
 */
final class TextDecoding {

    record Decoded(String text, Charset charset) {}

    static final Charset GB18030 = Charset.forName("GB18030");

    /** How far into a file binary sniffing looks. */
    private static final int SNIFF_BYTES = 8192;

    private TextDecoding() {}

    static Decoded decode(Path file, byte[] bytes) throws DocumentException {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            return strict(file, bytes, 3, StandardCharsets.UTF_8);
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return strict(file, bytes, 2, StandardCharsets.UTF_16LE);
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return strict(file, bytes, 2, StandardCharsets.UTF_16BE);
        }
        refuseBinary(file, bytes);
        try {
            return new Decoded(decoder(StandardCharsets.UTF_8, bytes, 0), StandardCharsets.UTF_8);
        } catch (CharacterCodingException notUtf8) {
            try {
                return new Decoded(decoder(GB18030, bytes, 0), GB18030);
            } catch (CharacterCodingException notGb) {
                throw new DocumentException(file, "text is neither valid UTF-8 nor GB18030; save it as UTF-8");
            }
        }
    }

    private static Decoded strict(Path file, byte[] bytes, int offset, Charset charset) throws DocumentException {
        try {
            return new Decoded(decoder(charset, bytes, offset), charset);
        } catch (CharacterCodingException e) {
            throw new DocumentException(file, "starts with a " + charset.name() + " byte-order mark but is not valid "
                    + charset.name());
        }
    }

    private static String decoder(Charset charset, byte[] bytes, int offset) throws CharacterCodingException {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset)).toString();
    }

    /** NUL bytes or many control bytes near the start mean a binary file, whatever its extension says. */
    static void refuseBinary(Path file, byte[] bytes) throws DocumentException {
        String kind = startsWith(bytes, '%', 'P', 'D', 'F') ? " (it is a PDF)"
                : startsWith(bytes, 'P', 'K', 3, 4) ? " (it is a zip archive, perhaps .docx or .xlsx)"
                : startsWith(bytes, 0xD0, 0xCF, 0x11, 0xE0) ? " (it is an old Office or encrypted Office file)"
                : "";
        int n = Math.min(bytes.length, SNIFF_BYTES);
        int controls = 0;
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xFF;
            if (b == 0) {
                controls = n;
                break;
            }
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1B) {
                controls++;
            }
        }
        if (!kind.isEmpty() || controls * 100L > n) {
            throw new DocumentException(file, "binary content, not text" + kind);
        }
    }

    static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
