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

    private static List<String> pieces(String text, boolean parseSpecial) {
        List<String> out = new ArrayList<>();
        for (int id : TOKENIZER.encode(text, parseSpecial)) {
            out.add(TOKENS.get(id));
        }
        return out;
    }

    @Test
    void coversAWordWithTheLongestSubwordsFirst() {
        assertThat(pieces("unaffable", false)).containsExactly("▁un", "aff", "able");
    }

    @Test
    void lowerCasesAndStripsAccents() {
        assertThat(pieces("HELLO Café", false)).containsExactly("▁hello", "▁cafe");
    }

    @Test
    void keepsCaseAndAccentsWhenTheVocabularyIsCased() {
        Tokenizer cased = WordPieceTokenizer.create(vocabulary(), roles(), false, false);
        assertThat(cased.encode("Hello", false)).containsExactly(UNK);
    }

    @Test
    void makesEachPunctuationMarkAndAsciiSymbolAWord() {
        assertThat(pieces("hello,world!$", false)).containsExactly("▁hello", "▁,", "▁world", "▁!", "▁$");
    }

    @Test
    void makesEachChineseCharacterAWord() {
        assertThat(pieces("你好", false)).containsExactly("▁你", "▁好");
    }

    @Test
    void replacesAWordWithoutACompleteCoverByOneUnknownToken() {
        assertThat(TOKENIZER.encode("unaffablex hello", false))
                .containsExactly(UNK, TOKENS.indexOf("▁hello"));
    }

    @Test
    void splitsAtEveryKindOfUnicodeWhitespaceIncludingNoBreakSpace() {
        assertThat(pieces("hello\u00A0world\u3000hello\n\tworld", false))
                .containsExactly("▁hello", "▁world", "▁hello", "▁world");
    }

    @Test
    void dropsControlCharacters() {
        assertThat(pieces("hel\u0000lo\u200B", false)).containsExactly("▁hello");
    }

    @Test
    void encodesWhitespaceOnlyAndEmptyTextAsNoTokens() {
        assertThat(TOKENIZER.encode("", false)).isEmpty();
        assertThat(TOKENIZER.encode(" \t\n\u00A0 ", false)).isEmpty();
    }

    @Test
    void treatsControlTokenTextAsPlainTextUnlessParsingSpecials() {
        assertThat(pieces("[CLS] hello", true)).containsExactly("[CLS]", "▁hello");
        assertThat(pieces("[CLS] hello", false)).containsExactly("▁[", "▁cls", "▁]", "▁hello");
    }

    @Test
    void decodesContinuationsOntoTheirWordAndSeparatesWordsBySingleSpaces() {
        int[] ids = TOKENIZER.encode("unaffable   world , hello", false);
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
        assertThat(tokenizer.encode("xyz", false)).containsExactly(UNK);
    }

    @Test
    void encodesAVeryLongTextInLinearTime() {
        String text = "hello unaffable, ".repeat(20_000) + "a".repeat(100_000); // 440k characters
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> TOKENIZER.encode(text, false));
        assertThat(ids).hasSize(20_000 * 5 + 100_000);
    }

    @Test
    void reportsItsKind() {
        assertThat(TOKENIZER.kind()).isEqualTo("wpm");
    }
}
