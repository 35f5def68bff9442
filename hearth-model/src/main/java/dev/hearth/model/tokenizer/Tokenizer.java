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
     * @param parseSpecial when true, the text of a control or user-defined token (for example
     *     {@code <|im_start|>}) becomes that single token, as chat text rendered by a template needs;
     *     when false control-token text is tokenized as plain text, so untrusted user content cannot
     *     inject them (user-defined tokens are still matched, as in llama.cpp and Hugging Face)
     */
    int[] encode(String text, boolean parseSpecial);

    /** Encodes {@code text} as plain text: special-token text is not matched. */
    default int[] encode(String text) {
        return encode(text, false);
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
