package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufMetadata;

import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * The WordPiece tokenizer of BERT-style vocabularies (GGUF {@code tokenizer.ggml.model = "bert"}),
 * token for token as llama.cpp's WPM tokenizer.
 *
 * <p>Text is normalised and cut into words ({@link BertWordSplitter}); each word is then covered
 * greedily, longest vocabulary entry first, from its start. A word with no complete cover becomes
 * the unknown token.
 *
 * <p>GGUF stores the vocabulary as llama.cpp's converter writes it: a word-initial entry carries a
 * leading {@code ▁} ({@code "▁hello"}) and a continuation entry is bare ({@code "lo"}, Hugging
 * Face's {@code "##lo"}); bracketed entries such as {@code [CLS]} are unchanged. Matching therefore
 * runs over {@code "▁" + word}, and decoding turns {@code ▁} back into the space between words.
 * Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements Tokenizer {
    private static final String LOWERCASE = "tokenizer.ggml.normalizer.lowercase";
    private static final String STRIP_ACCENTS = "tokenizer.ggml.normalizer.strip_accents";

    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final int unknown;
    private final int longestToken; // in chars: no match is tried beyond it
    private final SpecialTokenSplitter splitter;
    private final BertWordSplitter words;

    private WordPieceTokenizer(Vocabulary vocabulary, SpecialTokens specialTokens, int unknown,
            BertWordSplitter words) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.unknown = unknown;
        this.words = words;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.longestToken = vocabulary.tokens().stream().mapToInt(String::length).max().orElse(0);
    }

    /** A tokenizer that lower-cases and strips accents, as BERT's uncased models and llama.cpp default to. */
    public static Tokenizer create(Vocabulary vocabulary, SpecialTokens specialTokens) {
        return create(vocabulary, specialTokens, true, true);
    }

    /**
     * @param lowercase GGUF's {@code tokenizer.ggml.normalizer.lowercase} (true when absent)
     * @param stripAccents GGUF's {@code tokenizer.ggml.normalizer.strip_accents} (when absent, the
     *     same as {@code lowercase})
     * @throws IllegalArgumentException when there is no unknown token: neither {@code
     *     specialTokens.unknown()} nor a {@code [UNK]} entry
     */
    public static Tokenizer create(Vocabulary vocabulary, SpecialTokens specialTokens, boolean lowercase,
            boolean stripAccents) {
        OptionalInt unknown = specialTokens.unknown().isPresent() ? specialTokens.unknown() : vocabulary.id("[UNK]");
        if (unknown.isEmpty() || !vocabulary.contains(unknown.getAsInt())) {
            throw new IllegalArgumentException("a WordPiece vocabulary needs an unknown token for words it cannot"
                    + " cover; expected tokenizer.ggml.unknown_token_id or a [UNK] entry");
        }
        return new WordPieceTokenizer(vocabulary, specialTokens, unknown.getAsInt(),
                new BertWordSplitter(lowercase, stripAccents));
    }

    /**
     * Builds the tokenizer a GGUF file describes: its vocabulary, role tokens and BERT
     * normalisation keys (lower-casing on when absent, accent stripping following lower-casing).
     *
     * @throws dev.hearth.model.gguf.GgufFormatException when the tokenizer keys are missing or
     *     malformed, or the vocabulary has no unknown token
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        Vocabulary vocabulary = GgufVocabularies.vocabulary(metadata);
        SpecialTokens specialTokens = GgufVocabularies.specialTokens(metadata, vocabulary);
        boolean lowercase = metadata.findBoolean(LOWERCASE).orElse(true);
        boolean stripAccents = metadata.findBoolean(STRIP_ACCENTS).orElse(lowercase);
        try {
            return create(vocabulary, specialTokens, lowercase, stripAccents);
        } catch (IllegalArgumentException e) {
            throw metadata.problem("tokenizer.ggml.unknown_token_id", e.getMessage());
        }
    }

    @Override
    public int[] encode(String text, SpecialTokenMode specials) {
        IntStream.Builder ids = IntStream.builder();
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, specials)) {
            switch (fragment) {
                case SpecialTokenSplitter.Fragment.Special special -> ids.add(special.id());
                case SpecialTokenSplitter.Fragment.Text plain -> {
                    for (String word : words.split(plain.text())) {
                        encodeWord(word, ids);
                    }
                }
            }
        }
        return ids.build().toArray();
    }

    private void encodeWord(String word, IntStream.Builder ids) {
        String marked = EscapedSpacePieces.ESCAPED_SPACE + word;
        int n = marked.length();
        // a word is all or nothing: a partial cover would hide the unknown remainder
        int[] pieces = new int[n];
        int count = 0;
        for (int i = 0; i < n; ) {
            int end = Math.min(n, i + longestToken);
            int match = -1;
            for (; end > i; end--) {
                OptionalInt id = vocabulary.id(marked.substring(i, end));
                if (id.isPresent()) {
                    match = id.getAsInt();
                    break;
                }
            }
            if (match < 0) {
                ids.add(unknown);
                return;
            }
            pieces[count++] = match;
            i = end;
        }
        for (int k = 0; k < count; k++) {
            ids.add(pieces[k]);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A word-initial token gives a space and its word, a continuation gives just its text; at
     * the start that space is dropped, so decoded words are separated by single spaces.
     */
    @Override
    public byte[] tokenBytes(int id, boolean atStart, boolean renderSpecial) {
        return EscapedSpacePieces.bytes(vocabulary, id, renderSpecial, atStart);
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
        return "wpm";
    }
}
