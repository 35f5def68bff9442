package dev.hearth.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decoded bytes of tokens from vocabularies that write a space as {@code ▁} (U+2581):
 * SentencePiece and llama.cpp's WordPiece vocabularies, as llama.cpp's {@code token_to_piece}
 * renders them.
 */
final class EscapedSpacePieces {
    /** SentencePiece's stand-in for a space inside token texts. */
    static final char ESCAPED_SPACE = '\u2581';

    private static final byte[] NOTHING = {};

    private EscapedSpacePieces() {}

    /**
     * The bytes token {@code id} stands for: a normal token's text with {@code ▁} turned back into
     * spaces, a byte token's single byte, a user-defined token's text as written; control and
     * unknown tokens give their text only when {@code renderSpecial}, unused and undefined entries
     * give nothing (llama.cpp suppresses every type it cannot render).
     *
     * @param stripLeadingSpace drop one leading space, as llama.cpp does for the first token
     *     when the vocabulary adds a dummy prefix
     */
    static byte[] bytes(Vocabulary vocabulary, int id, boolean renderSpecial, boolean stripLeadingSpace) {
        String text = vocabulary.token(id);
        byte[] piece = switch (vocabulary.type(id)) {
            case NORMAL -> utf8(text.replace(ESCAPED_SPACE, ' '));
            case USER_DEFINED -> utf8(text);
            case CONTROL, UNKNOWN -> renderSpecial ? utf8(text) : NOTHING;
            case BYTE -> byteOf(text);
            case UNUSED, UNDEFINED -> NOTHING;
        };
        if (stripLeadingSpace && piece.length > 0 && piece[0] == ' ') {
            return Arrays.copyOfRange(piece, 1, piece.length);
        }
        return piece;
    }

    /**
     * The byte a {@code <0xNN>} token stands for, or -1 when {@code text} is not of that form.
     */
    static int byteValue(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(text.charAt(3), 16);
        int low = Character.digit(text.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /** The text of the byte token for {@code b}, as SentencePiece names it: {@code <0x0A>}. */
    static String byteTokenText(int b) {
        return String.format("<0x%02X>", b);
    }

    private static byte[] byteOf(String text) {
        int value = byteValue(text);
        // a byte-typed entry that is not <0xNN> is a malformed vocabulary; show its text
        return value < 0 ? utf8(text) : new byte[] {(byte) value};
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
