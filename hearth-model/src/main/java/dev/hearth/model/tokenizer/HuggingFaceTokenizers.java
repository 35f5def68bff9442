package dev.hearth.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Loads Hugging Face {@code tokenizer.json} files, for models that ship no GGUF vocabulary.
 *
 * <p>Byte-level BPE only so far (GPT-2, Llama 3, Qwen…); other kinds fail with an
 * {@link IllegalArgumentException} saying which file and field. Added tokens marked
 * {@code special} become control tokens, the others user-defined. Which tokens are BOS/EOS/padding
 * is read from a {@code tokenizer_config.json} beside the file, when there is one.
 */
public final class HuggingFaceTokenizers {
    private static final ObjectMapper JSON = new ObjectMapper();
    // end-of-turn markers, most specific first (llama.cpp recognises the same texts)
    private static final List<String> END_OF_TURN_TEXTS =
            List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>");

    // far above any real vocabulary; guards against allocating for a corrupt id
    private static final int MAX_TOKEN_ID = 16_000_000;

    private HuggingFaceTokenizers() {}

    /**
     * Reads {@code tokenizerJson}.
     *
     * @throws IllegalArgumentException for a tokenizer kind or setting not supported yet
     * @throws UncheckedIOException if a file cannot be read or is not JSON
     */
    public static Tokenizer load(Path tokenizerJson) {
        TokenizerJson json = TokenizerJson.read(tokenizerJson);
        JsonNode root = json.root();
        Reader reader = new Reader(json);
        Vocabulary vocabulary = reader.vocabulary();
        List<String> merges = json.merges();
        PreTokenizer preTokenizer = reader.preTokenizer();
        boolean nfc = reader.normalizesNfc();
        SpecialTokens special = specialTokens(vocabulary, tokenizerJson.resolveSibling("tokenizer_config.json"));
        boolean ignoresMerges = root.path("model").path("ignore_merges").asBoolean(false);
        return BytePairTokenizer.create(vocabulary, merges, special, preTokenizer,
                ignoresMerges || preTokenizer.ignoresMerges(), nfc);
    }

    private static JsonNode readConfig(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer config " + file, e);
        }
    }

    /** The fields of one tokenizer.json; each failure names the file and the field. */
    private record Reader(TokenizerJson json) {

        JsonNode root() {
            return json.root();
        }

        Path file() {
            return json.file();
        }

        Vocabulary vocabulary() {
            JsonNode root = root();
            JsonNode model = root.path("model");
            // older files leave the type out; Hugging Face then recognises BPE by its merges
            String type = model.path("type").asText(json.merges().isEmpty() ? "" : "BPE");
            if (!type.equals("BPE")) {
                throw unsupported("model.type", type.isEmpty() ? "(missing)" : type);
            }
            if (model.path("byte_fallback").asBoolean(false)) {
                throw unsupported("model.byte_fallback", "true (SentencePiece-style BPE)");
            }
            if (!isByteLevel(root.path("pre_tokenizer")) && !isByteLevel(root.path("decoder"))) {
                throw unsupported("pre_tokenizer", "BPE without ByteLevel (SentencePiece-style BPE)");
            }
            List<String> tokens = new ArrayList<>();
            List<TokenType> types = new ArrayList<>();
            for (int i = 0; i < json.vocabTexts().size(); i++) {
                place(tokens, types, json.vocabIds().get(i), json.vocabTexts().get(i), TokenType.NORMAL, "model.vocab");
            }
            for (JsonNode added : root.path("added_tokens")) {
                TokenType addedType = added.path("special").asBoolean(false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
                place(tokens, types, added.path("id").asInt(-1), added.path("content").asText(), addedType, "added_tokens");
            }
            for (int id = 0; id < tokens.size(); id++) {
                if (tokens.get(id) == null) { // an id nothing claims: a placeholder, as llama.cpp's converter writes
                    tokens.set(id, "[PAD" + id + "]");
                    types.set(id, TokenType.UNUSED);
                }
            }
            if (tokens.isEmpty()) {
                throw new IllegalArgumentException(file() + ": model.vocab is empty or missing");
            }
            return new Vocabulary(tokens, null, types.toArray(TokenType[]::new));
        }

        private void place(List<String> tokens, List<TokenType> types, int id, String text, TokenType type,
                String field) {
            if (id < 0 || id > MAX_TOKEN_ID) {
                throw new IllegalArgumentException(file() + ": " + field + " gives token '" + text + "' the id " + id
                        + ", outside 0.." + MAX_TOKEN_ID);
            }
            while (tokens.size() <= id) {
                tokens.add(null);
                types.add(null);
            }
            tokens.set(id, text);
            types.set(id, type);
        }

        PreTokenizer preTokenizer() {
            JsonNode pre = root().path("pre_tokenizer");
            List<JsonNode> steps = pre.path("type").asText().equals("Sequence")
                    ? toList(pre.path("pretokenizers"))
                    : List.of(pre);
            List<String> patterns = new ArrayList<>();
            for (JsonNode step : steps) {
                String type = step.path("type").asText("");
                switch (type) {
                    case "Split" -> patterns.add(splitPattern(step));
                    case "ByteLevel" -> {
                        if (step.path("add_prefix_space").asBoolean(false)) {
                            throw unsupported("pre_tokenizer ByteLevel.add_prefix_space", "true");
                        }
                        if (step.path("use_regex").asBoolean(true)) {
                            patterns.add(PreTokenizer.BYTE_LEVEL_PATTERN);
                        }
                    }
                    default -> throw unsupported("pre_tokenizer type", type.isEmpty() ? "(missing)" : type);
                }
            }
            return PreTokenizer.ofHuggingFacePatterns(patterns);
        }

        private String splitPattern(JsonNode split) {
            String behavior = split.path("behavior").asText("");
            if (!behavior.equals("Isolated")) {
                throw unsupported("pre_tokenizer Split.behavior", behavior);
            }
            if (split.path("invert").asBoolean(false)) {
                throw unsupported("pre_tokenizer Split.invert", "true");
            }
            JsonNode regex = split.path("pattern").path("Regex");
            if (!regex.isTextual()) {
                throw unsupported("pre_tokenizer Split.pattern", split.path("pattern").toString());
            }
            return regex.asText();
        }

        boolean normalizesNfc() {
            JsonNode normalizer = root().path("normalizer");
            if (normalizer.isMissingNode() || normalizer.isNull()) {
                return false;
            }
            List<JsonNode> steps = normalizer.path("type").asText().equals("Sequence")
                    ? toList(normalizer.path("normalizers"))
                    : List.of(normalizer);
            for (JsonNode step : steps) {
                if (!step.path("type").asText().equals("NFC")) {
                    throw unsupported("normalizer type", step.path("type").asText("(missing)"));
                }
            }
            return !steps.isEmpty();
        }

        private static boolean isByteLevel(JsonNode node) {
            if (node.path("type").asText().equals("ByteLevel")) {
                return true;
            }
            for (JsonNode step : node.path("pretokenizers")) {
                if (isByteLevel(step)) {
                    return true;
                }
            }
            for (JsonNode step : node.path("decoders")) {
                if (isByteLevel(step)) {
                    return true;
                }
            }
            return false;
        }

        private static List<JsonNode> toList(JsonNode array) {
            List<JsonNode> list = new ArrayList<>();
            array.forEach(list::add);
            return list;
        }

        private IllegalArgumentException unsupported(String field, String value) {
            return new IllegalArgumentException("not supported yet: " + field + " = " + value + " in " + file());
        }
    }

    /** BOS/EOS/padding/unknown from tokenizer_config.json when present; end of turn by its text. */
    private static SpecialTokens specialTokens(Vocabulary vocabulary, Path config) {
        JsonNode root = Files.isRegularFile(config) ? readConfig(config) : JSON.createObjectNode();
        OptionalInt eot = OptionalInt.empty();
        for (String text : END_OF_TURN_TEXTS) {
            eot = vocabulary.id(text);
            if (eot.isPresent()) {
                break;
            }
        }
        return new SpecialTokens(
                configured(vocabulary, root, "bos_token"),
                configured(vocabulary, root, "eos_token"),
                eot,
                configured(vocabulary, root, "unk_token"),
                configured(vocabulary, root, "pad_token"),
                configured(vocabulary, root, "sep_token"),
                configured(vocabulary, root, "cls_token"),
                configured(vocabulary, root, "mask_token"),
                root.path("add_bos_token").asBoolean(false),
                root.path("add_eos_token").asBoolean(false));
    }

    /** A token named in the config, either as its text or as {@code {"content": text}}. */
    private static OptionalInt configured(Vocabulary vocabulary, JsonNode config, String field) {
        JsonNode value = config.path(field);
        String text = value.isTextual() ? value.asText() : value.path("content").asText(null);
        return text == null ? OptionalInt.empty() : vocabulary.id(text);
    }
}
