package dev.hearth.model.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.TokenType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A BERT {@code tokenizer.json} (WordPiece model, BertNormalizer, BertPreTokenizer) as the GGUF
 * {@code tokenizer.ggml.*} keys of a {@code bert} model, written as llama.cpp's
 * {@code convert_hf_to_gguf.py} writes them: a word-initial entry gets a leading {@code ▁}, a
 * continuation entry ({@code ##lo}) loses its prefix ({@code lo}), a bracketed entry
 * ({@code [CLS]}, {@code [unused0]}) stays as it is; special added tokens are control tokens.
 *
 * @param tokens id → GGUF token text
 * @param types id → GGUF token type
 * @param lowercase the normalizer's {@code lowercase}
 * @param stripAccents the normalizer's {@code strip_accents} (when null in the file, the same as lowercase)
 * @param addSpecial whether the post-processor surrounds a text with {@code [CLS]} … {@code [SEP]}
 */
record BertTokenizerJson(List<String> tokens, int[] types, boolean lowercase, boolean stripAccents,
        OptionalInt unknown, OptionalInt cls, OptionalInt sep, OptionalInt padding, OptionalInt mask,
        boolean addSpecial) {
    private static final String WORD_START = "\u2581";

    /**
     * @throws IllegalArgumentException naming the file and field when it is not a BERT WordPiece tokenizer
     * @throws IOException if it cannot be read or is not JSON
     */
    static BertTokenizerJson read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.path("model");
        require(file, "model.type", model.path("type").asText(""), "WordPiece");
        String prefix = model.path("continuing_subword_prefix").asText("##");
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new IllegalArgumentException(file + ": model.vocab: expected an object of token → id, found "
                    + vocab.getNodeType());
        }
        String[] texts = new String[vocab.size()];
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            int id = entry.getValue().asInt(-1);
            if (!entry.getValue().isInt() || id < 0 || id >= texts.length || texts[id] != null) {
                throw new IllegalArgumentException(file + ": model.vocab[\"" + entry.getKey() + "\"]: id "
                        + entry.getValue() + " is not a unique id in 0.." + (texts.length - 1));
            }
            texts[id] = entry.getKey();
        }
        int[] types = new int[texts.length];
        Arrays.fill(types, TokenType.NORMAL.id());
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            if (id < 0 || id >= texts.length || !added.path("content").asText().equals(texts[id])) {
                throw new IllegalArgumentException(file + ": added_tokens: '" + added.path("content").asText()
                        + "' with id " + id + " is not that entry of model.vocab (added tokens beyond the vocabulary"
                        + " are not supported)");
            }
            types[id] = added.path("special").asBoolean(false) ? TokenType.CONTROL.id() : TokenType.USER_DEFINED.id();
        }
        List<String> tokens = new ArrayList<>(texts.length);
        for (String text : texts) {
            tokens.add(ggufText(text, prefix));
        }

        JsonNode normalizer = root.path("normalizer");
        require(file, "normalizer.type", normalizer.path("type").asText(""), "BertNormalizer");
        boolean lowercase = normalizer.path("lowercase").asBoolean(true);
        JsonNode accents = normalizer.path("strip_accents");
        boolean stripAccents = accents.isBoolean() ? accents.asBoolean() : lowercase;
        require(file, "pre_tokenizer.type", root.path("pre_tokenizer").path("type").asText(""), "BertPreTokenizer");

        Map<String, Integer> ids = new java.util.HashMap<>();
        for (int id = 0; id < texts.length; id++) {
            ids.putIfAbsent(texts[id], id);
        }
        String processor = root.path("post_processor").path("type").asText("");
        boolean addSpecial = processor.equals("TemplateProcessing") || processor.equals("BertProcessing");
        return new BertTokenizerJson(tokens, types, lowercase, stripAccents,
                id(ids, model.path("unk_token").asText("[UNK]")), id(ids, "[CLS]"), id(ids, "[SEP]"),
                id(ids, "[PAD]"), id(ids, "[MASK]"), addSpecial);
    }

    /** Writes the vocabulary and its settings under llama.cpp's {@code tokenizer.ggml.*} keys. */
    void write(GgufWriter gguf) {
        gguf.putString(GgufVocabularies.MODEL, "bert");
        gguf.putString(GgufVocabularies.PRE, "default");
        gguf.putStringArray(GgufVocabularies.TOKENS, tokens);
        gguf.putInt32Array(GgufVocabularies.TOKEN_TYPES, types);
        gguf.putBool("tokenizer.ggml.normalizer.lowercase", lowercase);
        if (stripAccents != lowercase) { // absent, Hearth's WordPiece follows lowercase, as Hugging Face does
            gguf.putBool("tokenizer.ggml.normalizer.strip_accents", stripAccents);
        }
        unknown.ifPresent(id -> gguf.putUInt32("tokenizer.ggml.unknown_token_id", id));
        cls.ifPresent(id -> gguf.putUInt32("tokenizer.ggml.cls_token_id", id));
        sep.ifPresent(id -> gguf.putUInt32("tokenizer.ggml.seperator_token_id", id)); // llama.cpp's spelling
        padding.ifPresent(id -> gguf.putUInt32("tokenizer.ggml.padding_token_id", id));
        mask.ifPresent(id -> gguf.putUInt32("tokenizer.ggml.mask_token_id", id));
        gguf.putBool("tokenizer.ggml.add_bos_token", addSpecial && cls.isPresent());
        gguf.putBool("tokenizer.ggml.add_sep_token", addSpecial && sep.isPresent());
    }

    /** Hugging Face's WordPiece entry as llama.cpp's converter writes it (its {@code phantom}). */
    static String ggufText(String text, String continuationPrefix) {
        if (text.startsWith("[") && text.endsWith("]")) {
            return text;
        }
        if (text.startsWith(continuationPrefix)) {
            return text.substring(continuationPrefix.length());
        }
        return WORD_START + text;
    }

    private static OptionalInt id(Map<String, Integer> ids, String text) {
        Integer id = ids.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private static void require(Path file, String field, String found, String expected) {
        if (!found.equals(expected)) {
            throw new IllegalArgumentException(file + ": " + field + ": expected " + expected + " (a BERT tokenizer), found "
                    + (found.isEmpty() ? "(missing)" : found));
        }
    }
}
