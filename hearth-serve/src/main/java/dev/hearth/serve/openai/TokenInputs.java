package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's four shapes of a text input ({@code prompt} of text completions, {@code input} of
 * embeddings): a string, an array of strings, an array of token ids, or an array of arrays of
 * token ids; read as token sequences, every token id checked against the vocabulary.
 */
final class TokenInputs {

    /** Tokenizes one text; {@code path} names it in errors (e.g. {@code prompt[2]}). */
    @FunctionalInterface
    interface Encoder {
        int[] encode(String text, String path);
    }

    private TokenInputs() {}

    static List<int[]> read(Fields body, String field, int vocabularySize, int maxItems, Encoder encoder) {
        JsonNode input = body.raw(field);
        if (input == null) {
            throw body.missing(field);
        }
        if (input.isTextual()) {
            return List.of(encoder.encode(input.textValue(), field));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw body.wrongType(field, "a string, or a non-empty array of strings, of token ids, or of arrays of token ids",
                    input);
        }
        if (input.get(0).isNumber()) {
            return List.of(tokenIds(input, vocabularySize, field));
        }
        if (input.size() > maxItems) {
            throw ApiException.invalid(field, field + " may hold at most " + maxItems + " items on this server, got "
                    + input.size());
        }
        List<int[]> inputs = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode element = input.get(i);
            String path = field + "[" + i + "]";
            if (element.isTextual()) {
                inputs.add(encoder.encode(element.textValue(), path));
            } else if (element.isArray()) {
                inputs.add(tokenIds(element, vocabularySize, path));
            } else {
                throw ApiException.invalid(path, path + " must be a string or an array of token ids, got "
                        + Fields.describe(element));
            }
        }
        return inputs;
    }

    private static int[] tokenIds(JsonNode array, int vocabularySize, String path) {
        if (array.isEmpty()) {
            throw ApiException.invalid(path, path + " must hold at least one token");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isNumber() || !id.canConvertToExactIntegral() || !id.canConvertToInt()
                    || id.intValue() < 0 || id.intValue() >= vocabularySize) {
                throw ApiException.invalid(path, path + "[" + i + "] must be a token id in [0, " + vocabularySize
                        + "), got " + Fields.describe(id));
            }
            ids[i] = id.intValue();
        }
        return ids;
    }
}
