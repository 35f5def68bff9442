package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreTokenizerTest {
    // letters, digits, punctuation, symbols, marks, CJK, emoji, ZWJ, every kind of whitespace
    private static final String[] ALPHABET = {"a", "Z", "é", "ж", "我", "ក", "ា", "1", "٣", "½", "'", "s", "t", "l",
        "e", "!", ".", "(", "$", "~", "～", "🦙", "😁", "\u200D", "\u0301", " ", " ", " ", "\t", "\n", "\r",
        "\u000B", "\u00A0", "\u0085", "\u2028", "\u3000", "\u001F", "\u0000"};

    @Test
    void gpt2KeepsASpaceWithTheWordAfterIt() {
        assertThat(PreTokenizer.named("gpt-2").split("Hello world")).containsExactly("Hello", " world");
        assertThat(PreTokenizer.named("gpt-2").split("   Hello")).containsExactly("  ", " Hello");
        assertThat(PreTokenizer.named("gpt-2").split("I've 12 cats!!")).containsExactly("I", "'ve", " 12", " cats", "!!");
    }

    @Test
    void llama3GroupsDigitsInThreesAndLetsPunctuationLeadAWord() {
        PreTokenizer llama3 = PreTokenizer.named("llama-bpe");
        assertThat(llama3.split("333333333")).containsExactly("333", "333", "333");
        assertThat(llama3.split("3333333")).containsExactly("333", "333", "3");
        assertThat(llama3.split("(normal)")).containsExactly("(normal", ")");
        assertThat(llama3.split("We'Ve a'lL")).containsExactly("We", "'Ve", " a", "'lL");
    }

    @Test
    void llama3SplitsTheLlamaCppCasesAsItsRegexWould() {
        // hand-checked against the regex (?i:'s|…)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
        PreTokenizer llama3 = PreTokenizer.named("llama-bpe");
        List<String> inputs = VocabTestCases.read("llama-bpe").stream().map(VocabTestCases.Case::text).toList();
        assertThat(llama3.split(inputs.get(32))).containsExactly("Hello", ",", " y", "'all", "!", " How", " are",
                " you", " 😁", " ?", "我想在apple工作", "131", "415", "1", "天", "～");
        assertThat(llama3.split(inputs.get(28))).containsExactly("   ", " Hello", "\n", "   ", " Hello");
        assertThat(llama3.split(inputs.get(10))).containsExactly("\t\n");
        assertThat(llama3.split(inputs.get(30))).containsExactly("\n", " =");
        assertThat(llama3.split(inputs.get(31))).containsExactly("'", " era");
        assertThat(llama3.split(inputs.get(19))).containsExactly("w", "048", " ", "7", "tuijk", " dsdfhu");
        assertThat(llama3.split(inputs.get(22)).subList(0, 6)).containsExactly("🚀", " (", "normal", ")", " 😶\u200D🌫️", " (");
        for (String input : inputs) {
            assertThat(String.join("", llama3.split(input))).isEqualTo(input);
        }
    }

    @Test
    void qwen2SplitsDigitsOneByOne() {
        assertThat(PreTokenizer.named("qwen2").split("apple1314")).containsExactly("apple", "1", "3", "1", "4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama3"})
    void handWrittenScannersAgreeWithTheirRegexOnRandomText(String which) {
        String regex = which.equals("gpt") ? Gpt2SplitRule.REGEX
                : "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                        + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        SplitRule scanner = SplitRule.forRegex(regex);
        SplitRule pattern = PatternSplitRule.compile(regex);
        assertThat(scanner).isNotInstanceOf(PatternSplitRule.class);
        Random random = new Random(42);
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(24); i > 0; i--) {
                sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String text = sb.toString();
            assertThat(ends(scanner, text)).as("%s on \"%s\"", which, text).isEqualTo(ends(pattern, text));
        }
    }

    private static List<Integer> ends(SplitRule rule, String text) {
        CodepointText codePoints = CodepointText.of(text);
        IntList ends = new IntList();
        if (codePoints.length() > 0) {
            rule.split(codePoints, 0, codePoints.length(), ends);
        }
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            list.add(ends.get(i));
        }
        return list;
    }

    @Test
    void eachRuleCutsOnlyWithinThePiecesBeforeIt() {
        // starcoder splits every digit off first, so GPT-2's " ?\p{N}+" can no longer join them
        assertThat(PreTokenizer.named("starcoder").split("a 123")).containsExactly("a", " ", "1", "2", "3");
        assertThat(PreTokenizer.named("gpt-2").split("a 123")).containsExactly("a", " 123");
    }

    @Test
    void dollarEndsThePieceNotTheLine() {
        // deepseek-llm's "\s+$" must not match before the newline that ends a piece
        assertThat(PreTokenizer.named("deepseek-llm").split("ab  \n")).containsExactly("ab", "  ", "\n");
    }

    @Test
    void nonAsciiWhitespaceCountsAsWhitespace() {
        assertThat(PreTokenizer.named("qwen2").split("a\u3000\u3000b")).containsExactly("a", "\u3000", "\u3000b");
        assertThat(PreTokenizer.named("gpt-2").split("a\u00A0b")).containsExactly("a", "\u00A0", "b");
    }

    @Test
    void deepseekLlmLetterClassKeepsItsCompatibilityCharacters() {
        // its class has the range K-ℭ from KELVIN SIGN U+212A; normalized to ASCII 'K' it would be
        // K..U+212D and swallow '_' and '`' into words
        assertThat(PreTokenizer.named("deepseek-llm").split("a_b`c")).containsExactly("a", "_", "b", "`", "c");
        // and everything from U+0800 to U+4E00 is cut again by its CJK rule, letters or not
        assertThat(PreTokenizer.named("deepseek-llm").split("a\u212A\u2126 1")).containsExactly("a", "\u212A\u2126", " ", "1");
    }

    @Test
    void emptyTextHasNoWords() {
        assertThat(PreTokenizer.named("qwen2").split("")).isEmpty();
    }

    @Test
    void unknownNameIsRejectedListingTheSupportedOnes() {
        assertThatThrownBy(() -> PreTokenizer.named("tekken"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tekken'")
                .hasMessageContaining("gpt-2")
                .hasMessageContaining("llama-bpe")
                .hasMessageContaining("qwen2");
        assertThat(PreTokenizer.supportedNames()).contains("gpt-2", "default", "deepseek-llm", "deepseek-coder",
                "falcon", "mpt", "starcoder", "refact", "qwen2", "llama-bpe");
    }

    @Test
    void huggingFacePatternsPickTheKnownPreTokenizer() {
        assertThat(PreTokenizer.ofHuggingFacePatterns(List.of(PreTokenizer.BYTE_LEVEL_PATTERN)).name()).isEqualTo("gpt-2");
        PreTokenizer custom = PreTokenizer.ofHuggingFacePatterns(List.of("(?i:'s)|\\p{L}+|\\p{N}"));
        assertThat(custom.name()).isEqualTo("custom");
        assertThat(custom.split("Cat'S 42")).containsExactly("Cat", "'S", " ", "4", "2");
    }

    @Test
    void categoriesMixedWithNonAsciiAreRejectedAsInLlamaCpp() {
        assertThatThrownBy(() -> PatternSplitRule.compile("\\p{L}+|我"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-ASCII");
    }
}
