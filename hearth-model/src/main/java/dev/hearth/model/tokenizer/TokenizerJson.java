package dev.hearth.model.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} as read from disk. {@code model.vocab} and
 * {@code model.merges} (hundreds of thousands of entries) are streamed straight into lists, which
 * is several times faster than building a JSON tree of them; everything else is kept as a tree.
 *
 * @param root the document without {@code model.vocab} and {@code model.merges}
 * @param vocabTexts {@code model.vocab}'s keys, in file order
 * @param vocabIds the id of each of {@code vocabTexts}
 * @param merges {@code model.merges} as {@code "left right"}, whether written so or as pairs
 */
record TokenizerJson(Path file, JsonNode root, List<String> vocabTexts, IntList vocabIds, List<String> merges) {
    // vocabulary texts arrive as field names: interning 150k of them would cost more than the parse
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build());

    /**
     * @throws UncheckedIOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException if a vocabulary id or a merge is malformed
     */
    static TokenizerJson read(Path file) {
        List<String> vocabTexts = new ArrayList<>();
        IntList vocabIds = new IntList();
        List<String> merges = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            ObjectNode root = JSON.createObjectNode();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(parser, file, "the document", JsonToken.START_OBJECT);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    root.set(field, readModel(parser, file, vocabTexts, vocabIds, merges));
                } else {
                    root.set(field, JSON.readTree(parser));
                }
            }
            return new TokenizerJson(file, root, vocabTexts, vocabIds, merges);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + file, e);
        }
    }

    private static ObjectNode readModel(JsonParser parser, Path file, List<String> vocabTexts, IntList vocabIds,
            List<String> merges) throws IOException {
        ObjectNode model = JSON.createObjectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                readVocab(parser, file, vocabTexts, vocabIds);
            } else if (field.equals("merges") && value == JsonToken.START_ARRAY) {
                readMerges(parser, file, merges);
            } else {
                model.set(field, JSON.readTree(parser));
            }
        }
        return model;
    }

    private static void readVocab(JsonParser parser, Path file, List<String> texts, IntList ids) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String text = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw malformed(parser, file, "model.vocab[\"" + text + "\"]", JsonToken.VALUE_NUMBER_INT);
            }
            texts.add(text);
            ids.add(parser.getIntValue());
        }
    }

    private static void readMerges(JsonParser parser, Path file, List<String> merges) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == JsonToken.VALUE_STRING) {
                merges.add(parser.getText());
            } else if (token == JsonToken.START_ARRAY && parser.nextToken() == JsonToken.VALUE_STRING) {
                String left = parser.getText();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    throw malformed(parser, file, "model.merges[" + merges.size() + "]", JsonToken.VALUE_STRING);
                }
                String right = parser.getText();
                if (parser.nextToken() != JsonToken.END_ARRAY) {
                    throw malformed(parser, file, "model.merges[" + merges.size() + "]", JsonToken.END_ARRAY);
                }
                merges.add(left + " " + right);
            } else {
                throw malformed(parser, file, "model.merges[" + merges.size() + "]", JsonToken.VALUE_STRING);
            }
        }
    }

    private static IllegalArgumentException malformed(JsonParser parser, Path file, String where, JsonToken expected) {
        return new IllegalArgumentException(file + ": " + where + " is malformed (expected " + expected + ", found "
                + parser.currentToken() + " at line " + parser.currentLocation().getLineNr() + ")");
    }
}
