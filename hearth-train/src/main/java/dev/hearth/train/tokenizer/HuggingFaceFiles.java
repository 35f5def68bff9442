package dev.hearth.train.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link TrainedTokenizer} as Hugging Face's files: {@code tokenizer.json} in the form the
 * {@code tokenizers} library writes for Qwen2 (byte-level BPE, the Qwen2 {@code Split} regex then
 * {@code ByteLevel} without its own regex, the ByteLevel decoder, merges as pairs), and a
 * {@code tokenizer_config.json} naming the role tokens.
 *
 * <p>No normalizer is written, although Qwen2's files have NFC: with one, text that is not in NFC
 * would not decode back to the same bytes, and a GGUF file (llama.cpp normalizes nothing) would
 * tokenize it differently.
 */
final class HuggingFaceFiles {
    static final String CONFIG_FILE_NAME = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    // two-space indents and "key": value, one array element per line, as serde_json's pretty printer
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private HuggingFaceFiles() {}

    static void write(TrainedTokenizer tokenizer, Path tokenizerJson) throws IOException {
        writeAtomically(tokenizerJson, tokenizerJson(tokenizer));
        writeAtomically(TrainedTokenizer.configBeside(tokenizerJson), config(tokenizer));
    }

    private static ObjectNode tokenizerJson(TrainedTokenizer tokenizer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        int firstSpecial = tokenizer.tokens().size() - tokenizer.specialTokens().size();
        for (int i = 0; i < tokenizer.specialTokens().size(); i++) {
            added.addObject()
                    .put("id", firstSpecial + i)
                    .put("content", tokenizer.specialTokens().get(i))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        for (String pattern : TrainedTokenizer.PRE_TOKENIZER.huggingFacePatterns()) {
            ObjectNode split = steps.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", pattern);
            split.put("behavior", "Isolated").put("invert", false);
        }
        steps.add(byteLevel());
        root.set("post_processor", byteLevel());
        root.set("decoder", byteLevel());
        ObjectNode model = root.putObject("model")
                .put("type", "BPE")
                .putNull("dropout")
                .putNull("unk_token")
                .putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix")
                .put("fuse_unk", false)
                .put("byte_fallback", false)
                .put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < firstSpecial; id++) {
            vocab.put(tokenizer.tokens().get(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (TrainedTokenizer.Merge merge : tokenizer.merges()) {
            merges.addArray().add(merge.left()).add(merge.right());
        }
        return root;
    }

    private static ObjectNode byteLevel() {
        return JSON.createObjectNode()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false)
                .put("trim_offsets", false)
                .put("use_regex", false);
    }

    private static ObjectNode config(TrainedTokenizer tokenizer) {
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        String endOfText = tokenizer.endOfText().map(tokenizer.tokens()::get).orElse(null);
        config.put("bos_token", endOfText);
        config.put("eos_token", endOfText);
        config.put("pad_token", endOfText);
        config.putNull("unk_token");
        config.put("add_bos_token", false);
        config.put("add_eos_token", false);
        // Hugging Face would otherwise drop spaces before punctuation when decoding
        config.put("clean_up_tokenization_spaces", false);
        return config;
    }

    /** Writes to a sibling first and moves it over {@code file}, so a failed write leaves no half file. */
    private static void writeAtomically(Path file, JsonNode json) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling(absolute.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".part");
        try {
            Files.write(tmp, (PRETTY.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static TrainedTokenizer read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "the document", "a JSON object");
        }
        JsonNode model = root.path("model");
        if (!model.path("type").asText().equals("BPE")) {
            throw malformed(file, "model.type", "\"BPE\"");
        }
        if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) {
            throw malformed(file, "normalizer", "null (a trained tokenizer normalizes nothing)");
        }
        checkPreTokenizer(file, root.path("pre_tokenizer"));
        // id → text, from the vocabulary and the added tokens (which may repeat vocabulary entries)
        Map<Integer, String> byId = new TreeMap<>();
        if (!model.path("vocab").isObject()) {
            throw malformed(file, "model.vocab", "an object of token texts and ids");
        }
        for (Map.Entry<String, JsonNode> entry : model.path("vocab").properties()) {
            if (!entry.getValue().canConvertToInt()) {
                throw malformed(file, "model.vocab[\"" + entry.getKey() + "\"]", "an integer id");
            }
            byId.put(entry.getValue().asInt(), entry.getKey());
        }
        List<String> specials = new ArrayList<>();
        for (JsonNode added : root.path("added_tokens")) {
            if (!added.path("special").asBoolean(false) || !added.path("content").isTextual()) {
                throw malformed(file, "added_tokens", "special tokens only, each with its content");
            }
            byId.put(added.path("id").asInt(-1), added.path("content").asText());
            specials.add(added.path("content").asText());
        }
        List<String> tokens = new ArrayList<>(byId.values());
        int expectedId = 0;
        for (int id : byId.keySet()) {
            if (id != expectedId++) {
                throw malformed(file, "model.vocab", "ids 0.." + (byId.size() - 1) + " with none missing, found id " + id);
            }
        }
        List<TrainedTokenizer.Merge> merges = new ArrayList<>();
        for (JsonNode merge : model.path("merges")) {
            merges.add(merge(file, merges.size(), merge));
        }
        try {
            return new TrainedTokenizer(tokens, merges, specials);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A merge written as {@code ["left", "right"]} or as {@code "left right"}. */
    private static TrainedTokenizer.Merge merge(Path file, int rank, JsonNode merge) {
        if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
            return new TrainedTokenizer.Merge(merge.get(0).asText(), merge.get(1).asText());
        }
        int space = merge.asText().indexOf(' ', 1);
        if (!merge.isTextual() || space < 0) {
            throw malformed(file, "model.merges[" + rank + "]", "[\"left\", \"right\"] or \"left right\"");
        }
        return new TrainedTokenizer.Merge(merge.asText().substring(0, space), merge.asText().substring(space + 1));
    }

    /** The Qwen2 {@code Split} steps, then a {@code ByteLevel} step that adds no regex of its own. */
    private static void checkPreTokenizer(Path file, JsonNode pre) {
        List<String> patterns = new ArrayList<>();
        boolean byteLevel = false;
        for (JsonNode step : pre.path("pretokenizers")) {
            switch (step.path("type").asText()) {
                case "Split" -> {
                    if (step.path("behavior").asText().equals("Isolated") && !step.path("invert").asBoolean(false)) {
                        patterns.add(step.path("pattern").path("Regex").asText());
                    }
                }
                case "ByteLevel" -> byteLevel = !step.path("use_regex").asBoolean(true)
                        && !step.path("add_prefix_space").asBoolean(false);
                default -> byteLevel = false;
            }
        }
        if (!pre.path("type").asText().equals("Sequence") || !byteLevel
                || !patterns.equals(TrainedTokenizer.PRE_TOKENIZER.huggingFacePatterns())) {
            throw malformed(file, "pre_tokenizer", "the Qwen2 Split regex (Isolated) followed by ByteLevel with"
                    + " use_regex and add_prefix_space false, as a trained tokenizer has");
        }
    }

    private static IllegalArgumentException malformed(Path file, String field, String expected) {
        return new IllegalArgumentException(file + ": " + field + " is not what a trained tokenizer has (expected "
                + expected + ")");
    }
}
