package dev.hearth.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.ByteLevelAlphabet;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.HuggingFaceTokenizers;
import dev.hearth.model.tokenizer.PreTokenizer;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;
import dev.hearth.train.tokenizer.TrainedTokenizer.Merge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainedTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MIXED_TEXTS = List.of(
            "Hello world! The river is beautiful in the morning.",
            "我们今天在学校学习语言模型的训练。你好，世界！",
            "  indented\n\n\ttabbed\r\nwindows line, 3.14159 and 2026 — “quoted” 🦙🦙",
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            "e\u0301 (not NFC) \u0000\u0007 controls, and words it never saw: xylophone 鼹鼠");

    @TempDir
    Path dir;

    private static TrainedTokenizer train(List<String> specials) {
        WordCounts counts = new WordCounts(specials);
        counts.add(GeneratedCorpus.text(21, 100_000));
        return BpeTrainer.train(counts, new BpeTrainingOptions(700, 2, specials), TrainingListener.NONE).tokenizer();
    }

    private Path writeJson(TrainedTokenizer tokenizer) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        tokenizer.write(file);
        return file;
    }

    private Tokenizer ggufTokenizer(TrainedTokenizer tokenizer) throws IOException {
        try (GgufFile file = GgufFile.open(writeGguf(tokenizer))) {
            return Tokenizers.fromGguf(file.metadata());
        }
    }

    private Path writeGguf(TrainedTokenizer tokenizer) throws IOException {
        GgufWriter gguf = new GgufWriter();
        tokenizer.putInto(gguf);
        Path file = dir.resolve("vocab.gguf");
        gguf.write(file);
        return file;
    }

    @Test
    void writesByteLevelBpeWithTheQwen2PreTokenizerAndNoNormalizer() throws IOException {
        TrainedTokenizer trained = train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        JsonNode root = JSON.readTree(writeJson(trained).toFile());

        assertThat(root.path("model").path("type").asText()).isEqualTo("BPE");
        assertThat(root.path("model").path("vocab").size()).isEqualTo(697);
        assertThat(root.path("model").path("vocab").path("Ġ").asInt()).isEqualTo(32);
        JsonNode firstMerge = root.path("model").path("merges").get(0);
        assertThat(List.of(firstMerge.get(0).asText(), firstMerge.get(1).asText()))
                .isEqualTo(List.of(trained.merges().getFirst().left(), trained.merges().getFirst().right()));
        assertThat(root.path("normalizer").isNull()).isTrue();
        JsonNode steps = root.path("pre_tokenizer").path("pretokenizers");
        assertThat(root.path("pre_tokenizer").path("type").asText()).isEqualTo("Sequence");
        assertThat(steps.get(0).path("type").asText()).isEqualTo("Split");
        assertThat(steps.get(0).path("pattern").path("Regex").asText())
                .isEqualTo(PreTokenizer.named("qwen2").huggingFacePatterns().getFirst())
                .startsWith("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|");
        assertThat(steps.get(0).path("behavior").asText()).isEqualTo("Isolated");
        assertThat(steps.get(1).path("type").asText()).isEqualTo("ByteLevel");
        assertThat(steps.get(1).path("use_regex").asBoolean(true)).isFalse();
        assertThat(root.path("decoder").path("type").asText()).isEqualTo("ByteLevel");
        assertThat(root.path("added_tokens").toString()).contains(
                "{\"id\":697,\"content\":\"<|endoftext|>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                        + "\"normalized\":false,\"special\":true}");

        JsonNode config = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("eos_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(config.path("pad_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(config.path("add_bos_token").asBoolean(true)).isFalse();
    }

    @Test
    void hearthLoadsItAsAQwen2TokenizerWithItsSpecialTokensAndRoles() throws IOException {
        TrainedTokenizer trained = train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        Tokenizer tokenizer = HuggingFaceTokenizers.load(writeJson(trained));

        assertThat(tokenizer.toString()).isEqualTo("BytePairTokenizer[700 tokens, pre=qwen2]");
        assertThat(tokenizer.vocabulary().tokens()).isEqualTo(trained.tokens());
        assertThat(tokenizer.vocabulary().type(698)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.encode("<|im_start|>user<|im_end|>", SpecialTokenMode.ALL))
                .startsWith(698).endsWith(699);
        SpecialTokens roles = tokenizer.specialTokens();
        assertThat(roles.bos()).hasValue(697);
        assertThat(roles.eos()).hasValue(697);
        assertThat(roles.padding()).hasValue(697);
        assertThat(roles.eot()).hasValue(699);
        assertThat(roles.addBos()).isFalse();
        // a learned word is one token
        assertThat(tokenizer.encode(" the")).hasSize(1);
    }

    @Test
    void readGivesBackWhatWriteSaved() throws IOException {
        TrainedTokenizer trained = train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        assertThat(TrainedTokenizer.read(writeJson(trained))).isEqualTo(trained);
    }

    @Test
    void readTakesMergesWrittenAsSpacedStringsToo() throws IOException {
        TrainedTokenizer trained = train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        Path file = writeJson(trained);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ArrayNode spaced = JSON.createArrayNode();
        trained.merges().forEach(m -> spaced.add(m.spaced()));
        ((ObjectNode) root.path("model")).set("merges", spaced);
        JSON.writeValue(file.toFile(), root);
        assertThat(TrainedTokenizer.read(file)).isEqualTo(trained);
    }

    @Test
    void readRefusesOtherTokenizersNamingTheFileAndField() throws IOException {
        Path file = writeJson(train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS));
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());

        root.putObject("normalizer").put("type", "NFC");
        JSON.writeValue(file.toFile(), root);
        assertThatThrownBy(() -> TrainedTokenizer.read(file)).hasMessageStartingWith(file + ": normalizer is not what"
                + " a trained tokenizer has (expected null");

        root.putNull("normalizer");
        ((ObjectNode) root.path("pre_tokenizer").path("pretokenizers").get(0).path("pattern")).put("Regex", "\\s+");
        JSON.writeValue(file.toFile(), root);
        assertThatThrownBy(() -> TrainedTokenizer.read(file)).hasMessageStartingWith(file + ": pre_tokenizer is not what"
                + " a trained tokenizer has (expected the Qwen2 Split regex");

        Files.writeString(file, "{\"model\": {\"type\": \"WordPiece\"}}");
        assertThatThrownBy(() -> TrainedTokenizer.read(file)).hasMessage(file + ": model.type is not what a trained"
                + " tokenizer has (expected \"BPE\")");

        Files.writeString(file, "{\"model\": ");
        assertThatThrownBy(() -> TrainedTokenizer.read(file)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": not JSON (");
    }

    @Test
    void refusesALayoutThatIsNotBytesThenMergesThenSpecialTokens() {
        List<String> bytes = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            bytes.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        List<String> tokens = new ArrayList<>(bytes);
        tokens.addAll(List.of("ab", "<s>"));
        assertThat(new TrainedTokenizer(tokens, List.of(new Merge("a", "b")), List.of("<s>")).tokens()).hasSize(258);

        assertThatThrownBy(() -> new TrainedTokenizer(tokens, List.of(new Merge("a", "c")), List.of("<s>")))
                .hasMessage("merge 0 'a c' makes 'ac', which is not one of the learned tokens (ids 256..256)");
        assertThatThrownBy(() -> new TrainedTokenizer(tokens, List.of(new Merge("ab", "b")), List.of("<s>")))
                .hasMessage("merge 0 'ab b' joins a token that no byte or earlier merge makes");
        assertThatThrownBy(() -> new TrainedTokenizer(tokens, List.of(), List.of("<s>")))
                .hasMessage("0 merges for 1 learned tokens, expected one merge per learned token");
        assertThatThrownBy(() -> new TrainedTokenizer(tokens, List.of(new Merge("a", "b")), List.of("<t>")))
                .hasMessage("the last 1 tokens are [<s>], expected the special tokens [<t>]");
        List<String> swapped = new ArrayList<>(tokens);
        swapped.set(0, bytes.get(1));
        swapped.set(1, bytes.get(0));
        assertThatThrownBy(() -> new TrainedTokenizer(swapped, List.of(new Merge("a", "b")), List.of("<s>")))
                .hasMessage("token 0 is '\u0101', expected '\u0100', the byte 0 in GPT-2's byte alphabet");
    }

    @Test
    void theGgufVocabularyIsWrittenAsLlamaCppWritesQwen2s() throws IOException {
        TrainedTokenizer trained = train(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        try (GgufFile file = GgufFile.open(writeGguf(trained))) {
            GgufMetadata md = file.metadata();
            assertThat(md.getString(GgufVocabularies.MODEL)).isEqualTo("gpt2");
            assertThat(md.getString(GgufVocabularies.PRE)).isEqualTo("qwen2");
            assertThat(md.getStringArray(GgufVocabularies.TOKENS)).isEqualTo(trained.tokens());
            assertThat(md.getStringArray(GgufVocabularies.MERGES).getFirst()).isEqualTo(trained.merges().getFirst().spaced());
            int[] types = md.getIntArray(GgufVocabularies.TOKEN_TYPES);
            assertThat(types[0]).isEqualTo(1);
            assertThat(types[696]).isEqualTo(1);
            assertThat(types[697]).isEqualTo(3);
            assertThat(types[699]).isEqualTo(3);
            assertThat(md.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(697);
            assertThat(md.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(697);
            assertThat(md.getLong("tokenizer.ggml.padding_token_id")).isEqualTo(697);
            assertThat(md.getLong("tokenizer.ggml.eot_token_id")).isEqualTo(699);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token")).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<|endoftext|>,<|im_start|>,<|im_end|>", "<|im_end|>", "<|endoftext|>", "<s>,</s>", ""})
    void theGgufVocabularyTokenizesAsTheTokenizerJson(String specialList) throws IOException {
        List<String> specials = specialList.isEmpty() ? List.of() : List.of(specialList.split(","));
        TrainedTokenizer trained = train(specials);
        Tokenizer json = HuggingFaceTokenizers.load(writeJson(trained));
        Tokenizer gguf = ggufTokenizer(trained);

        for (String text : MIXED_TEXTS) {
            for (SpecialTokenMode mode : SpecialTokenMode.values()) {
                assertThat(gguf.encode(text, mode)).as(mode + " " + text).isEqualTo(json.encode(text, mode));
            }
        }
        for (int i = 0; i < specials.size(); i++) {
            int id = trained.tokens().size() - specials.size() + i;
            assertThat(gguf.encode(specials.get(i), SpecialTokenMode.ALL)).containsExactly(id);
            assertThat(json.encode(specials.get(i), SpecialTokenMode.ALL)).containsExactly(id);
        }
        assertThat(gguf.specialTokens()).isEqualTo(json.specialTokens());
    }
}
