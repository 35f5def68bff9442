package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTokenizersTest {
    @TempDir
    Path dir;

    private static final String VOCAB = """
            {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "Ġab": 5, "Ã": 6, "©": 7, "Ã©": 8}""";
    private static final String BYTE_LEVEL = """
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}""";

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    private Path tokenizerJson(String merges, String normalizer, String model) throws IOException {
        return write("tokenizer.json", """
                {"version": "1.0",
                 "added_tokens": [
                   {"id": 9, "content": "<|im_start|>", "special": true},
                   {"id": 11, "content": "<tool>", "special": false}],
                 "normalizer": %s,
                 "pre_tokenizer": %s,
                 "decoder": %s,
                 "model": {"type": "%s", "vocab": %s, "merges": %s}}
                """.formatted(normalizer, BYTE_LEVEL, BYTE_LEVEL, model, VOCAB, merges));
    }

    @Test
    void readsMergesWrittenAsStringsOrAsPairsAlike() throws IOException {
        Tokenizer strings = HuggingFaceTokenizers.load(tokenizerJson("[\"a b\", \"Ġ ab\"]", "null", "BPE"));
        int[] fromStrings = strings.encode(" ab ab c");
        Tokenizer pairs = HuggingFaceTokenizers.load(tokenizerJson("[[\"a\", \"b\"], [\"Ġ\", \"ab\"]]", "null", "BPE"));
        assertThat(pairs.encode(" ab ab c")).containsExactly(fromStrings).containsExactly(5, 5, 3, 2);
    }

    @Test
    void addedTokensAreControlWhenSpecialAndUserDefinedOtherwise() throws IOException {
        Tokenizer tokenizer = HuggingFaceTokenizers.load(tokenizerJson("[]", "null", "BPE"));
        Vocabulary vocabulary = tokenizer.vocabulary();
        assertThat(vocabulary.type(9)).isEqualTo(TokenType.CONTROL);
        assertThat(vocabulary.type(11)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(vocabulary.token(10)).isEqualTo("[PAD10]"); // an id nothing claims
        assertThat(vocabulary.type(10)).isEqualTo(TokenType.UNUSED);
        assertThat(tokenizer.encode("<|im_start|><tool>", SpecialTokenMode.ALL)).containsExactly(9, 11);
    }

    @Test
    void appliesTheNfcNormalizer() throws IOException {
        Tokenizer tokenizer = HuggingFaceTokenizers.load(tokenizerJson("[\"Ã ©\"]", "{\"type\": \"NFC\"}", "BPE"));
        assertThat(tokenizer.encode("e\u0301")).isEqualTo(tokenizer.encode("é")).containsExactly(8);
    }

    @Test
    void readsRolesFromTheConfigBesideIt() throws IOException {
        write("tokenizer_config.json", """
                {"bos_token": null, "eos_token": {"content": "<|im_start|>"}, "pad_token": "<tool>", "add_bos_token": false}""");
        SpecialTokens special = HuggingFaceTokenizers.load(tokenizerJson("[]", "null", "BPE")).specialTokens();
        assertThat(special.bos()).isEmpty();
        assertThat(special.eos()).hasValue(9);
        assertThat(special.padding()).hasValue(11);
        assertThat(special.addBos()).isFalse();
    }

    @Test
    void otherModelKindsAreNotSupportedYetNamingFileAndField() throws IOException {
        for (String kind : new String[] {"WordPiece", "Unigram"}) {
            Path file = tokenizerJson("[]", "null", kind);
            assertThatThrownBy(() -> HuggingFaceTokenizers.load(file))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not supported yet")
                    .hasMessageContaining("model.type = " + kind)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void otherNormalizersAreNotSupportedYet() throws IOException {
        Path file = tokenizerJson("[]", "{\"type\": \"Lowercase\"}", "BPE");
        assertThatThrownBy(() -> HuggingFaceTokenizers.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not supported yet: normalizer type = Lowercase");
    }
}
