package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {
    private static final int UNK = 1;
    private static final int CLS = 2;

    // as llama.cpp's converter writes a BERT vocabulary: word starts with ▁, continuations bare
    private static final List<String> TOKENS = List.of(
            "[PAD]", "[UNK]", "[CLS]", "[SEP]",
            "▁hello", "▁un", "aff", "able", "▁world", "▁,", "▁!", "▁你", "▁好", "▁[", "▁]", "▁cls", "▁cafe",
            "▁a", "a", "▁$");

    private static Vocabulary vocabulary() {
        TokenType[] types = new TokenType[TOKENS.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i < 4 ? TokenType.CONTROL : TokenType.NORMAL;
        }
        return new Vocabulary(TOKENS, null, types);
    }

    private static SpecialTokens roles() {
        SpecialTokens none = SpecialTokens.none();
        return new SpecialTokens(OptionalInt.of(CLS), none.eos(), none.eot(), OptionalInt.of(UNK), OptionalInt.of(0),
                OptionalInt.of(3), OptionalInt.of(CLS), none.mask(), true, false);
    }

    private static final Tokenizer TOKENIZER = WordPieceTokenizer.create(vocabulary(), roles());

    private static List<String> pieces(String text, SpecialTokenMode parseSpecial) {
        List<String> out = new ArrayList<>();
        for (int id : TOKENIZER.encode(text, parseSpecial)) {
            out.add(TOKENS.get(id));
        }
        return out;
    }

    @Test
    void coversAWordWithTheLongestSubwordsFirst() {
        assertThat(pieces("unaffable", SpecialTokenMode.USER_DEFINED)).containsExactly("▁un", "aff", "able");
    }

    @Test
    void lowerCasesAndStripsAccents() {
        assertThat(pieces("HELLO Café", SpecialTokenMode.USER_DEFINED)).containsExactly("▁hello", "▁cafe");
    }

    @Test
    void keepsCaseAndAccentsWhenTheVocabularyIsCased() {
        Tokenizer cased = WordPieceTokenizer.create(vocabulary(), roles(), false, false);
        assertThat(cased.encode("Hello", SpecialTokenMode.USER_DEFINED)).containsExactly(UNK);
    }

    @Test
    void makesEachPunctuationMarkAndAsciiSymbolAWord() {
        assertThat(pieces("hello,world!$", SpecialTokenMode.USER_DEFINED)).containsExactly("▁hello", "▁,", "▁world", "▁!", "▁$");
    }

    @Test
    void makesEachChineseCharacterAWord() {
        assertThat(pieces("你好", SpecialTokenMode.USER_DEFINED)).containsExactly("▁你", "▁好");
    }

    @Test
    void replacesAWordWithoutACompleteCoverByOneUnknownToken() {
        assertThat(TOKENIZER.encode("unaffablex hello", SpecialTokenMode.USER_DEFINED))
                .containsExactly(UNK, TOKENS.indexOf("▁hello"));
    }

    @Test
    void splitsAtEveryKindOfUnicodeWhitespaceIncludingNoBreakSpace() {
        assertThat(pieces("hello\u00A0world\u3000hello\n\tworld", SpecialTokenMode.USER_DEFINED))
                .containsExactly("▁hello", "▁world", "▁hello", "▁world");
    }

    @Test
    void dropsControlCharacters() {
        assertThat(pieces("hel\u0000lo\u200B", SpecialTokenMode.USER_DEFINED)).containsExactly("▁hello");
    }

    @Test
    void encodesWhitespaceOnlyAndEmptyTextAsNoTokens() {
        assertThat(TOKENIZER.encode("", SpecialTokenMode.USER_DEFINED)).isEmpty();
        assertThat(TOKENIZER.encode(" \t\n\u00A0 ", SpecialTokenMode.USER_DEFINED)).isEmpty();
    }

    @Test
    void treatsControlTokenTextAsPlainTextUnlessParsingSpecials() {
        assertThat(pieces("[CLS] hello", SpecialTokenMode.ALL)).containsExactly("[CLS]", "▁hello");
        assertThat(pieces("[CLS] hello", SpecialTokenMode.USER_DEFINED)).containsExactly("▁[", "▁cls", "▁]", "▁hello");
    }

    @Test
    void decodesContinuationsOntoTheirWordAndSeparatesWordsBySingleSpaces() {
        int[] ids = TOKENIZER.encode("unaffable   world , hello", SpecialTokenMode.USER_DEFINED);
        assertThat(TOKENIZER.decode(ids)).isEqualTo("unaffable world , hello");
    }

    @Test
    void rendersControlTokensOnlyWhenAsked() {
        int[] ids = {CLS, TOKENS.indexOf("▁hello"), 3};
        assertThat(TOKENIZER.decode(ids, false)).isEqualTo(" hello");
        assertThat(TOKENIZER.decode(ids, true)).isEqualTo("[CLS] hello[SEP]");
    }

    @Test
    void needsAnUnknownToken() {
        Vocabulary withoutUnknown = new Vocabulary(List.of("▁a", "a"), null, null);
        assertThatThrownBy(() -> WordPieceTokenizer.create(withoutUnknown, SpecialTokens.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
    }

    @Test
    void findsTheUnknownTokenByItsTextWhenNoRoleNamesIt() {
        Tokenizer tokenizer = WordPieceTokenizer.create(vocabulary(), SpecialTokens.none());
        assertThat(tokenizer.encode("xyz", SpecialTokenMode.USER_DEFINED)).containsExactly(UNK);
    }

    @Test
    void encodesAVeryLongTextInLinearTime() {
        String text = "hello unaffable, ".repeat(20_000) + "a".repeat(100_000); // 440k characters
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> TOKENIZER.encode(text, SpecialTokenMode.USER_DEFINED));
        assertThat(ids).hasSize(20_000 * 5 + 100_000);
    }

    @Test
    void reportsItsKind() {
        assertThat(TOKENIZER.kind()).isEqualTo("wpm");
    }
}
