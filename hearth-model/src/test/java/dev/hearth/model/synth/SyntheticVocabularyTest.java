package dev.hearth.model.synth;

import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticVocabularyTest {
    private static final List<String> TEXTS = List.of("The quick brown fox jumps over the lazy dog.",
            "  leading spaces, tabs\tand\nnew lines\r\n", "Ünïcödé: 你好，世界 🌍 — ∑ x² ≠ 0", "12345 + 678 = 13023",
            "", "<|im_start|> typed by a user", "\u0000\u0001 control bytes \u007f");

    @Test
    void bytesComeFirstInCodePointOrderAsInGpt2() {
        SyntheticVocabulary v = SyntheticVocabulary.of(Preset.TINY);
        assertThat(v.tokens().get(0)).isEqualTo("!");
        assertThat(v.tokens().get(220)).isEqualTo("Ġ");
        assertThat(v.tokens().get(198)).isEqualTo("Ċ");
        assertThat(v.tokens().subList(0, 256)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void everyMergeJoinsTwoEarlierTokensIntoTheNextOne() {
        SyntheticVocabulary v = SyntheticVocabulary.of(Preset.QWEN2_5_0_5B);
        assertThat(v.tokens()).hasSize(151_936).doesNotHaveDuplicates();
        assertThat(v.merges()).hasSize(151_643 - 256);
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < v.tokens().size(); id++) {
            ids.put(v.tokens().get(id), id);
        }
        for (int rank = 0; rank < v.merges().size(); rank++) {
            String[] parts = v.merges().get(rank).split(" ");
            int made = 256 + rank;
            assertThat(parts).hasSize(2);
            assertThat(ids.get(parts[0])).as(v.merges().get(rank)).isLessThan(made);
            assertThat(ids.get(parts[1])).as(v.merges().get(rank)).isLessThan(256);
            assertThat(v.tokens().get(made)).isEqualTo(parts[0] + parts[1]);
        }
        assertThat(v.merges().subList(0, 3)).containsExactly("Ġ e", "Ġ t", "Ġ a");
        assertThat(v.tokens()).contains("Ġthe", "Ġand", "The", "ing");
    }

    @Test
    void specialTokensAreControlOrUserDefinedAsLlamaCppTypesThem() {
        SyntheticVocabulary v = SyntheticVocabulary.of(Preset.QWEN2_5_0_5B);
        assertThat(v.types()[151_645]).isEqualTo(TokenType.CONTROL);
        assertThat(v.tokens().get(151_657)).isEqualTo("<tool_call>");
        assertThat(v.types()[151_657]).isEqualTo(TokenType.USER_DEFINED);
        assertThat(v.types()[151_664]).isEqualTo(TokenType.CONTROL);
        assertThat(v.types()[151_665]).isEqualTo(TokenType.UNUSED);
        assertThat(v.types()[151_642]).isEqualTo(TokenType.NORMAL);
        assertThat(new HashSet<>(List.of(v.types()).subList(128_000, 128_256)))
                .isNotEqualTo(java.util.Set.of(TokenType.CONTROL)); // Qwen's ids there are plain BPE tokens
        SyntheticVocabulary llama = SyntheticVocabulary.of(Preset.LLAMA_3_2_1B);
        assertThat(new HashSet<>(List.of(llama.types()).subList(128_000, 128_256))).containsExactly(TokenType.CONTROL);
        assertThat(llama.merges()).hasSize(128_000 - 256);
    }

    @Test
    void everyTextRoundTripsAndWordsBecomeFewerTokensThanBytes() {
        for (Preset preset : List.of(Preset.TINY, Preset.LLAMA_3_2_1B)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(SyntheticModels.plan(preset, SynthType.Q8_0).metadata());
            for (String text : TEXTS) {
                int[] ids = tokenizer.encode(text, SpecialTokenMode.NONE);
                assertThat(tokenizer.decode(ids)).as(preset + ": " + text).isEqualTo(text);
            }
            String english = TEXTS.get(0);
            assertThat(tokenizer.encode(english).length).as(preset.cliName()).isLessThan(english.length() * 2 / 3);
        }
    }

    @Test
    void chatTextMatchesControlTokensOnlyWhenAsked() {
        Tokenizer tokenizer = Tokenizers.fromGguf(SyntheticModels.plan(Preset.TINY, SynthType.F16).metadata());
        int imStart = Preset.TINY.normalTokens() + 1;
        assertThat(tokenizer.vocabulary().token(imStart)).isEqualTo("<|im_start|>");
        assertThat(tokenizer.encode("<|im_start|>user", SpecialTokenMode.ALL)[0]).isEqualTo(imStart);
        assertThat(tokenizer.encode("<|im_start|>user", SpecialTokenMode.NONE)).doesNotContain(imStart);
    }
}
