package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** llama.cpp's tokenizer cases for the SentencePiece vocabularies, through the real GGUF files. */
class SentencePieceConformanceIT {
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private static Tokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, n -> SentencePieceTokenizer.fromGguf(VocabTestCases.metadata(n)));
    }

    static Stream<Arguments> cases() {
        return Stream.of("llama-spm", "phi-3")
                .flatMap(name -> VocabTestCases.read(name).stream().map(c -> Arguments.of(name, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodingTheTokensGivesBackTheText(String name, VocabTestCases.Case testCase) {
        Tokenizer tokenizer = tokenizer(name);
        // byte fallback covers every character and only the dummy prefix is added, so nothing is lost
        assertThat(tokenizer.decode(tokenizer.encode(testCase.text(), SpecialTokenMode.USER_DEFINED))).isEqualTo(testCase.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3"})
    void readsItsKindAndRolesFromTheGguf(String name) {
        Tokenizer tokenizer = tokenizer(name);
        assertThat(tokenizer.kind()).isEqualTo("spm");
        assertThat(tokenizer.specialTokens().bos()).hasValue(1);
        assertThat(tokenizer.specialTokens().addBos()).isTrue();
        assertThat(tokenizer.vocabulary().size()).isGreaterThanOrEqualTo(32000);
    }

    @Test
    void streamingDecodeOfChineseAndEmojiNeverEmitsHalfACharacter() {
        Tokenizer tokenizer = tokenizer("llama-spm");
        String text = "我想在apple工作1314151天～ 🦙🚀😶‍🌫️ 가나다 កាន់តែ";
        int[] ids = tokenizer.encode(text, SpecialTokenMode.USER_DEFINED);
        assertThat(Arrays.stream(ids).filter(id -> tokenizer.vocabulary().type(id) == TokenType.BYTE))
                .as("some characters must fall back to bytes for this test to mean anything")
                .isNotEmpty();

        StreamingDecoder decoder = tokenizer.streamingDecoder(false);
        List<String> emitted = new ArrayList<>();
        for (int id : ids) {
            emitted.add(decoder.accept(id));
        }
        emitted.add(decoder.flush());

        assertThat(emitted).allSatisfy(piece -> {
            assertThat(piece).doesNotContain("\uFFFD");
            assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isTrue();
        });
        assertThat(String.join("", emitted)).isEqualTo(text);
    }

    @Test
    void controlTokenTextBecomesOneTokenOnlyWhenParsingSpecials() {
        Tokenizer tokenizer = tokenizer("llama-spm");
        assertThat(tokenizer.encode("<s>Hello", SpecialTokenMode.ALL)).containsExactly(1, 15043);
        assertThat(tokenizer.encode("<s>Hello", SpecialTokenMode.USER_DEFINED)).doesNotContain(1).hasSizeGreaterThan(2);
    }
}
