package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BytePairTokenizerTest {
    private static final int IM_START = 256;
    private static final int THINK = 257;

    /** Ids 0..255: one token per byte, in byte order; then {@code extra} tokens from id 258. */
    private static Tokenizer tokenizer(List<String> merges, PreTokenizer pre, String... extra) {
        List<String> tokens = new ArrayList<>();
        List<TokenType> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
            types.add(TokenType.NORMAL);
        }
        tokens.add("<|im_start|>");
        types.add(TokenType.CONTROL);
        tokens.add("<think>");
        types.add(TokenType.USER_DEFINED);
        for (String token : extra) {
            tokens.add(token);
            types.add(TokenType.NORMAL);
        }
        Vocabulary vocabulary = new Vocabulary(tokens, null, types.toArray(TokenType[]::new));
        return BytePairTokenizer.create(vocabulary, merges, SpecialTokens.none(), pre);
    }

    private static Tokenizer tokenizer(List<String> merges, String... extra) {
        return tokenizer(merges, PreTokenizer.named("gpt-2"), extra);
    }

    @Test
    void mergesTheLowestRankedPairFirst() {
        Tokenizer bcFirst = tokenizer(List.of("b c", "a b"), "bc", "ab");
        assertThat(bcFirst.encode("abc")).containsExactly('a', 258);
        Tokenizer abFirst = tokenizer(List.of("a b", "b c"), "bc", "ab");
        assertThat(abFirst.encode("abc")).containsExactly(259, 'c');
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        Tokenizer tokenizer = tokenizer(List.of("a a"), "aa");
        assertThat(tokenizer.encode("aaa")).containsExactly(258, 'a');
        assertThat(tokenizer.encode("aaaa")).containsExactly(258, 258);
    }

    @Test
    void mergesBuildOnEarlierMerges() {
        Tokenizer tokenizer = tokenizer(List.of("Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"), "Ġw", "or", "Ġwor", "ld", "Ġworld");
        assertThat(tokenizer.encode(" world")).containsExactly(262);
        assertThat(tokenizer.encode(" word")).containsExactly(260, 'd');
    }

    @Test
    void aMergedPieceMissingFromTheVocabularyFallsBackToByteTokens() {
        Tokenizer tokenizer = tokenizer(List.of("x y"));
        assertThat(tokenizer.encode("xy")).containsExactly('x', 'y');
    }

    @Test
    void llama3TakesAWholeWordThatIsATokenWithoutMerging() {
        List<String> noMerges = List.of();
        assertThat(tokenizer(noMerges, PreTokenizer.named("llama-bpe"), "Ġhello").encode(" hello")).containsExactly(258);
        assertThat(tokenizer(noMerges, PreTokenizer.named("gpt-2"), "Ġhello").encode(" hello"))
                .containsExactly(' ', 'h', 'e', 'l', 'l', 'o'); // byte tokens: id = byte
    }

    @Test
    void controlTokenTextIsOneTokenOnlyWhenParsingSpecials() {
        Tokenizer tokenizer = tokenizer(List.of());
        assertThat(tokenizer.encode("<|im_start|>hi", SpecialTokenMode.ALL)).containsExactly(IM_START, 'h', 'i');
        assertThat(tokenizer.encode("<|im_start|>hi", SpecialTokenMode.USER_DEFINED)).doesNotContain(IM_START).startsWith('<', '|');
    }

    @Test
    void userDefinedTokenTextIsOneTokenEvenWithoutParsingSpecials() {
        Tokenizer tokenizer = tokenizer(List.of());
        assertThat(tokenizer.encode("a<think>", SpecialTokenMode.USER_DEFINED)).containsExactly('a', THINK);
    }

    @Test
    void decodesBytesBackAndRendersControlTokensOnlyWhenAsked() {
        Tokenizer tokenizer = tokenizer(List.of());
        String text = "<|im_start|>我 🦙\n<think>é";
        int[] ids = tokenizer.encode(text, SpecialTokenMode.ALL);
        assertThat(ids).contains(IM_START, THINK);
        assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
        assertThat(tokenizer.decode(ids, false)).isEqualTo("我 🦙\n<think>é");
    }

    @Test
    void loneSurrogatesEncodeAsTheReplacementCharacter() {
        Tokenizer tokenizer = tokenizer(List.of());
        assertThat(tokenizer.decode(tokenizer.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
    }

    @Test
    void aMergeWithoutTwoPartsIsRejected() {
        assertThatThrownBy(() -> tokenizer(List.of("a b", "ab")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merge 1")
                .hasMessageContaining("'ab'");
    }

    @Test
    void describesItselfAsBpe() {
        assertThat(tokenizer(List.of()).kind()).isEqualTo("bpe");
    }
}
