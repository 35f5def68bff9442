package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufMetadata;

import java.util.stream.IntStream;

/**
 * The SentencePiece tokenizer of Llama-2-style vocabularies (GGUF {@code tokenizer.ggml.model =
 * "llama"}), token for token as llama.cpp's SPM tokenizer.
 *
 * <p>Each plain-text fragment gets a leading space (the "dummy prefix") when it opens the text or
 * follows a special token, has its spaces written as {@code ▁}, and is segmented by score-driven
 * merges with byte fallback ({@link SentencePieceSegmenter}). Immutable and thread-safe.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final boolean addSpacePrefix;
    private final SpecialTokenSplitter splitter;
    private final SentencePieceSegmenter segmenter;

    private SentencePieceTokenizer(Vocabulary vocabulary, SpecialTokens specialTokens, boolean addSpacePrefix) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.addSpacePrefix = addSpacePrefix;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.segmenter = new SentencePieceSegmenter(vocabulary, specialTokens.unknown());
    }

    /** A tokenizer that adds the dummy prefix, as llama.cpp does unless the GGUF says otherwise. */
    public static Tokenizer create(Vocabulary vocabulary, SpecialTokens specialTokens) {
        return create(vocabulary, specialTokens, true);
    }

    /**
     * @param addSpacePrefix GGUF's {@code tokenizer.ggml.add_space_prefix} (true when absent):
     *     whether a space is put before text that opens the input or follows a special token, and
     *     dropped again from the first decoded token
     */
    public static Tokenizer create(Vocabulary vocabulary, SpecialTokens specialTokens, boolean addSpacePrefix) {
        return new SentencePieceTokenizer(vocabulary, specialTokens, addSpacePrefix);
    }

    /**
     * Builds the tokenizer a GGUF file describes: its vocabulary, role tokens and {@code
     * tokenizer.ggml.add_space_prefix} (true when absent, as in llama.cpp).
     *
     * @throws dev.hearth.model.gguf.GgufFormatException when the tokenizer keys are missing or malformed
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        Vocabulary vocabulary = GgufVocabularies.vocabulary(metadata);
        SpecialTokens specialTokens = GgufVocabularies.specialTokens(metadata, vocabulary);
        boolean addSpacePrefix = metadata.findBoolean(GgufVocabularies.ADD_SPACE_PREFIX).orElse(true);
        return create(vocabulary, specialTokens, addSpacePrefix);
    }

    @Override
    public int[] encode(String text, SpecialTokenMode specials) {
        IntStream.Builder ids = IntStream.builder();
        boolean afterSpecial = true; // the start of the text counts as following a special token
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, specials)) {
            switch (fragment) {
                case SpecialTokenSplitter.Fragment.Special special -> {
                    ids.add(special.id());
                    afterSpecial = true;
                }
                case SpecialTokenSplitter.Fragment.Text plain -> {
                    String prefixed = addSpacePrefix && afterSpecial ? " " + plain.text() : plain.text();
                    segmenter.segment(prefixed.replace(' ', EscapedSpacePieces.ESCAPED_SPACE), ids::add);
                    afterSpecial = false;
                }
            }
        }
        return ids.build().toArray();
    }

    @Override
    public byte[] tokenBytes(int id, boolean atStart, boolean renderSpecial) {
        return EscapedSpacePieces.bytes(vocabulary, id, renderSpecial, atStart && addSpacePrefix);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public String kind() {
        return "spm";
    }
}
