package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class SentencePieceTokenizerTest {
    private static final int UNK = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;

    /** Builds a small SentencePiece vocabulary: id 0..2 are unk/bos/eos, then the entries added. */
    private static final class VocabularyBuilder {
        private final List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        private final List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        private final List<TokenType> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));

        VocabularyBuilder withByteTokens() {
            for (int b = 0; b < 256; b++) {
                add(String.format("<0x%02X>", b), 0f, TokenType.BYTE);
            }
            return this;
        }

        VocabularyBuilder add(String token, float score) {
            return add(token, score, TokenType.NORMAL);
        }

        VocabularyBuilder add(String token, float score, TokenType type) {
            tokens.add(token);
            scores.add(score);
            types.add(type);
            return this;
        }

        Vocabulary build() {
            float[] s = new float[scores.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = scores.get(i);
            }
            return new Vocabulary(tokens, s, types.toArray(TokenType[]::new));
        }
    }

    private static SpecialTokens roles() {
        SpecialTokens none = SpecialTokens.none();
        return new SpecialTokens(OptionalInt.of(BOS), OptionalInt.of(EOS), none.eot(), OptionalInt.of(UNK),
                none.padding(), none.separator(), none.cls(), none.mask(), true, false);
    }

    private static Vocabulary helloWorld() {
        return new VocabularyBuilder().withByteTokens()
                .add("▁", -1).add("h", -2).add("e", -2).add("l", -2).add("o", -2).add("w", -2).add("r", -2)
                .add("d", -2).add("ld", -3).add("▁h", -3).add("ll", -3).add("llo", -4).add("▁he", -4).add("▁hello", -5)
                .add("▁w", -3).add("or", -3).add("▁wor", -4).add("▁world", -5)
                .build();
    }

    private static int id(Vocabulary vocabulary, String token) {
        return vocabulary.id(token).orElseThrow();
    }

    private static List<String> pieces(Tokenizer tokenizer, String text, SpecialTokenMode parseSpecial) {
        List<String> out = new ArrayList<>();
        for (int id : tokenizer.encode(text, parseSpecial)) {
            out.add(tokenizer.vocabulary().token(id));
        }
        return out;
    }

    @Test
    void mergesCharactersIntoWholeWordsWithTheDummyPrefix() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles());
        assertThat(pieces(tokenizer, "hello world", SpecialTokenMode.USER_DEFINED)).containsExactly("▁hello", "▁world");
    }

    @Test
    void addsNoDummyPrefixWhenTheVocabularySaysNot() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles(), false);
        assertThat(pieces(tokenizer, "hello world", SpecialTokenMode.USER_DEFINED)).containsExactly("h", "e", "llo", "▁world");
    }

    @Test
    void mergesTheHigherScoringPairFirst() {
        Vocabulary vocabulary = new VocabularyBuilder()
                .add("a", 0).add("b", 0).add("c", 0).add("ab", -2).add("bc", -1).build();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles(), false);
        assertThat(pieces(tokenizer, "abc", SpecialTokenMode.USER_DEFINED)).containsExactly("a", "bc");
    }

    @Test
    void mergesTheLeftmostPairWhenScoresTie() {
        Vocabulary vocabulary = new VocabularyBuilder()
                .add("a", 0).add("b", 0).add("c", 0).add("ab", -1).add("bc", -1).build();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles(), false);
        assertThat(pieces(tokenizer, "abc", SpecialTokenMode.USER_DEFINED)).containsExactly("ab", "c");
    }

    @Test
    void fallsBackToUtf8ByteTokensForCharactersNotInTheVocabulary() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles(), false);
        assertThat(pieces(tokenizer, "h€", SpecialTokenMode.USER_DEFINED)).containsExactly("h", "<0xE2>", "<0x82>", "<0xAC>");
    }

    @Test
    void usesTheUnknownTokenForACharacterWhenThereAreNoByteTokens() {
        Vocabulary vocabulary = new VocabularyBuilder().add("a", 0).add("▁", 0).build();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles(), false);
        assertThat(tokenizer.encode("a€😀a", SpecialTokenMode.USER_DEFINED)).containsExactly(id(vocabulary, "a"), UNK, UNK, id(vocabulary, "a"));
    }

    @Test
    void refusesACharacterItCannotWriteAtAll() {
        Vocabulary vocabulary = new VocabularyBuilder().add("a", 0).build();
        SpecialTokens withoutUnknown = SpecialTokens.none();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, withoutUnknown, false);
        assertThatThrownBy(() -> tokenizer.encode("a€", SpecialTokenMode.USER_DEFINED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("U+20AC");
    }

    @Test
    void encodesTheEmptyStringAsNoTokens() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles());
        assertThat(tokenizer.encode("", SpecialTokenMode.USER_DEFINED)).isEmpty();
        assertThat(tokenizer.encode("", SpecialTokenMode.ALL)).isEmpty();
    }

    @Test
    void escapesEverySpaceIncludingLeadingOnes() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles());
        assertThat(pieces(tokenizer, "  hello", SpecialTokenMode.USER_DEFINED)).containsExactly("▁", "▁", "▁hello");
    }

    @Test
    void treatsControlTokenTextAsPlainTextUnlessParsingSpecials() {
        Vocabulary vocabulary = helloWorld();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles());

        assertThat(tokenizer.encode("hello</s>world", SpecialTokenMode.ALL))
                .containsExactly(id(vocabulary, "▁hello"), EOS, id(vocabulary, "▁world"));
        assertThat(tokenizer.encode("hello</s>world", SpecialTokenMode.USER_DEFINED)).doesNotContain(EOS)
                .startsWith(id(vocabulary, "▁hello"), id(vocabulary, "<0x3C>"));
    }

    @Test
    void addsTheDummyPrefixAfterEverySpecialToken() {
        Vocabulary vocabulary = helloWorld();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles());
        assertThat(tokenizer.encode("<s>hello<s>world", SpecialTokenMode.ALL))
                .containsExactly(BOS, id(vocabulary, "▁hello"), BOS, id(vocabulary, "▁world"));
    }

    @Test
    void decodingDropsOnlyTheDummyPrefixSpace() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles());
        assertThat(tokenizer.decode(tokenizer.encode("hello world", SpecialTokenMode.USER_DEFINED))).isEqualTo("hello world");
        assertThat(tokenizer.decode(tokenizer.encode("  hello", SpecialTokenMode.USER_DEFINED))).isEqualTo("  hello");
    }

    @Test
    void decodingKeepsTheLeadingSpaceWhenThereIsNoDummyPrefix() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles(), false);
        int[] ids = {id(helloWorld(), "▁hello")};
        assertThat(tokenizer.decode(ids)).isEqualTo(" hello");
    }

    @Test
    void decodingTurnsByteTokensBackIntoTheirBytes() {
        Vocabulary vocabulary = helloWorld();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles());
        assertThat(tokenizer.tokenBytes(id(vocabulary, "<0xE2>"), false, false)).containsExactly(0xE2);
        assertThat(tokenizer.decode(tokenizer.encode("hello €", SpecialTokenMode.USER_DEFINED))).isEqualTo("hello €");
    }

    @Test
    void rendersControlTokensOnlyWhenAsked() {
        Vocabulary vocabulary = helloWorld();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles());
        int[] ids = {BOS, id(vocabulary, "▁hello"), EOS};
        // the first token (BOS) takes the place of the dummy prefix, so the word keeps its space
        assertThat(tokenizer.decode(ids, false)).isEqualTo(" hello");
        assertThat(tokenizer.decode(ids, true)).isEqualTo("<s> hello</s>");
    }

    @Test
    void rendersUserDefinedTokensVerbatimEvenWithoutRenderSpecial() {
        Vocabulary vocabulary = new VocabularyBuilder().add("<|user|>", 0, TokenType.USER_DEFINED).build();
        Tokenizer tokenizer = SentencePieceTokenizer.create(vocabulary, roles());
        assertThat(new String(tokenizer.tokenBytes(3, false, false), StandardCharsets.UTF_8)).isEqualTo("<|user|>");
    }

    @Test
    void encodesAVeryLongTextWithoutQuadraticSlowdown() {
        Tokenizer tokenizer = SentencePieceTokenizer.create(helloWorld(), roles());
        String text = "hello world ".repeat(20_000) + "x".repeat(20_000); // 260k characters
        // generous bound: a quadratic merge loop would take minutes here, the queue takes well under a second
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> tokenizer.encode(text, SpecialTokenMode.USER_DEFINED));
        assertThat(ids).hasSize(20_000 * 2 + 1 + 20_000); // words, the space before the x run, one byte per x
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void reportsItsKind() {
        assertThat(SentencePieceTokenizer.create(helloWorld(), roles()).kind()).isEqualTo("spm");
    }
}
