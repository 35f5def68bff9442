package dev.hearth.model.tokenizer;

/**
 * Turns text into token ids and back, agreeing with llama.cpp token for token.
 *
 * <p>{@link #encode(String, boolean)} adds no BOS/EOS/CLS/SEP: the caller (a chat template, a
 * generator) decides what surrounds the text, using {@link #specialTokens()}. Implementations are
 * immutable and safe to share between threads.
 */
public interface Tokenizer {

    /**
     * Encodes {@code text}.
     *
     * @param specials which vocabulary entries are matched whole by their text: none (untrusted
     *     content), user-defined ones (the reference behaviour of llama.cpp and Hugging Face), or
     *     control tokens too (chat text a template rendered)
     */
    int[] encode(String text, SpecialTokenMode specials);

    /** Encodes {@code text} as llama.cpp and Hugging Face do by default ({@link SpecialTokenMode#USER_DEFINED}). */
    default int[] encode(String text) {
        return encode(text, SpecialTokenMode.USER_DEFINED);
    }

    /**
     * The bytes token {@code id} contributes to decoded output: for SentencePiece vocabularies
     * {@code ▁} becomes a space and {@code <0xNN>} the raw byte; for byte-level BPE the
     * byte-to-unicode mapping is undone; control tokens contribute their text only when
     * {@code renderSpecial} is true.
     *
     * @param atStart whether this is the first token of the decoded text: SentencePiece drops the
     *     dummy-prefix space there, WordPiece puts a space before every word but the first
     */
    byte[] tokenBytes(int id, boolean atStart, boolean renderSpecial);

    /** Decodes a whole sequence to text, byte-exact; invalid UTF-8 becomes U+FFFD. */
    default String decode(int[] ids, boolean renderSpecial) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            out.writeBytes(tokenBytes(ids[i], i == 0, renderSpecial));
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Decodes without rendering control tokens. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /** A decoder for a stream of tokens that never emits half a UTF-8 character. */
    default StreamingDecoder streamingDecoder(boolean renderSpecial) {
        return new StreamingDecoder(this, renderSpecial);
    }

    /** The vocabulary this tokenizer was built from. */
    Vocabulary vocabulary();

    /** BOS/EOS/EOT and the other tokens with a role, and whether BOS/EOS are added by default. */
    SpecialTokens specialTokens();

    /** Short name of the algorithm for display: {@code spm}, {@code bpe}, {@code wpm}. */
    String kind();
}
