package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.Objects;

/**
 * Byte-level BPE, GGUF's {@code tokenizer.ggml.model = gpt2} (GPT-2, Llama 3, Qwen, DeepSeek,
 * Falcon, StarCoder…), token for token as llama.cpp: special tokens are cut out first, the
 * {@link PreTokenizer} cuts the rest into words, each word's UTF-8 bytes are written in
 * {@linkplain ByteLevelAlphabet GPT-2's byte alphabet} and merged by rank ({@link BpeMerges}).
 *
 * <p>Immutable and thread-safe.
 */
public final class BytePairTokenizer implements Tokenizer {
    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final PreTokenizer preTokenizer;
    private final BpeMerges merges;
    private final SpecialTokenSplitter splitter;
    private final boolean ignoresMerges;
    private final boolean normalizesNfc;

    private BytePairTokenizer(Vocabulary vocabulary, List<String> merges, SpecialTokens specialTokens,
            PreTokenizer preTokenizer, boolean ignoresMerges, boolean normalizesNfc) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.specialTokens = Objects.requireNonNull(specialTokens, "specialTokens");
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        this.merges = BpeMerges.parse(vocabulary, merges);
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.ignoresMerges = ignoresMerges;
        this.normalizesNfc = normalizesNfc;
    }

    /**
     * A byte-level BPE tokenizer as llama.cpp builds one from a GGUF file.
     *
     * @param vocabulary token texts in the byte alphabet ({@code Ġ} for a space); control and
     *     user-defined entries hold their literal text
     * @param merges {@code "left right"} per merge, highest priority first ({@code tokenizer.ggml.merges})
     * @param preTokenizer usually {@link PreTokenizer#named}({@code tokenizer.ggml.pre})
     * @throws IllegalArgumentException for a malformed merge
     */
    public static Tokenizer create(Vocabulary vocabulary, List<String> merges, SpecialTokens specialTokens,
            PreTokenizer preTokenizer) {
        return new BytePairTokenizer(vocabulary, merges, specialTokens, preTokenizer, preTokenizer.ignoresMerges(),
                false);
    }

    /**
     * Builds the tokenizer a GGUF file describes: vocabulary, role tokens, {@code
     * tokenizer.ggml.merges} and the pre-tokenizer {@code tokenizer.ggml.pre} names ({@code default}
     * when absent, as in llama.cpp).
     *
     * @throws dev.hearth.model.gguf.GgufFormatException when the tokenizer keys are missing or
     *     malformed, or name a pre-tokenizer not supported here
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        Vocabulary vocabulary = GgufVocabularies.vocabulary(metadata);
        SpecialTokens specialTokens = GgufVocabularies.specialTokens(metadata, vocabulary);
        List<String> merges = metadata.getStringArray(GgufVocabularies.MERGES);
        PreTokenizer preTokenizer;
        try {
            preTokenizer = PreTokenizer.named(metadata.findString(GgufVocabularies.PRE).orElse("default"));
        } catch (IllegalArgumentException e) {
            throw metadata.problem(GgufVocabularies.PRE, e.getMessage());
        }
        try {
            return create(vocabulary, merges, specialTokens, preTokenizer);
        } catch (IllegalArgumentException e) {
            throw metadata.problem(GgufVocabularies.MERGES, e.getMessage());
        }
    }

    /**
     * As {@link #create}, with the options a Hugging Face {@code tokenizer.json} can set.
     *
     * @param ignoresMerges take a word that is itself a token without merging
     * @param normalizesNfc put text into Unicode NFC before pre-tokenizing
     */
    static Tokenizer create(Vocabulary vocabulary, List<String> merges, SpecialTokens specialTokens,
            PreTokenizer preTokenizer, boolean ignoresMerges, boolean normalizesNfc) {
        return new BytePairTokenizer(vocabulary, merges, specialTokens, preTokenizer, ignoresMerges, normalizesNfc);
    }

    @Override
    public int[] encode(String text, SpecialTokenMode specials) {
        IntList ids = new IntList();
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, specials)) {
            switch (fragment) {
                case SpecialTokenSplitter.Fragment.Special special -> ids.add(special.id());
                case SpecialTokenSplitter.Fragment.Text plain -> encodePlain(plain.text(), ids);
            }
        }
        return ids.toArray();
    }

    private void encodePlain(String text, IntList ids) {
        CodepointText codePoints =
                CodepointText.of(normalizesNfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text);
        byte[] word = new byte[64];
        int start = 0;
        for (int end : preTokenizer.wordEnds(codePoints)) {
            if (word.length < 4 * (end - start)) {
                word = new byte[4 * (end - start)];
            }
            int length = 0;
            for (int i = start; i < end; i++) {
                length = appendUtf8(codePoints.at(i), word, length);
            }
            merges.encode(word, length, ignoresMerges, ids);
            start = end;
        }
    }

    private static int appendUtf8(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | cp >> 6);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | cp >> 12);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[at++] = (byte) (0xF0 | cp >> 18);
            out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        }
        return at;
    }

    /**
     * Normal tokens give back the bytes their characters stand for; user-defined tokens their
     * text; control and unknown tokens their text only when {@code renderSpecial}; unused ones
     * nothing. {@code atStart} makes no difference to byte-level BPE.
     */
    @Override
    public byte[] tokenBytes(int id, boolean atStart, boolean renderSpecial) {
        String text = vocabulary.token(id);
        return switch (vocabulary.type(id)) {
            case NORMAL, BYTE -> alphabetBytes(text);
            case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case CONTROL, UNKNOWN -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    /** Undoes the byte alphabet; a character outside it (a malformed vocabulary) passes as its UTF-8. */
    private static byte[] alphabetBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(c -> {
            int b = ByteLevelAlphabet.byteOf(c);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
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
        return "bpe";
    }

    @Override
    public String toString() {
        return "BytePairTokenizer[" + vocabulary.size() + " tokens, pre=" + preTokenizer.name() + "]";
    }
}
