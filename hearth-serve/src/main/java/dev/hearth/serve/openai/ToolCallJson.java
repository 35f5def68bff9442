package dev.hearth.serve.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.hearth.serve.http.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the JSON of tool calls as models write them: {@code {"name": …, "arguments": {…}}}
 * (Qwen, Hermes, most others) or {@code {"name": …, "parameters": {…}}} (Llama 3.1 and 3.2).
 * Anything that is not such a call gives null, so the caller can return the text as content
 * rather than drop it.
 */
final class ToolCallJson {
    private static final ObjectReader STRICT = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> CALL_KEYS = Set.of("name", "arguments", "parameters");

    private ToolCallJson() {}

    /**
     * A call read from a model's output.
     *
     * @param arguments the arguments as compact JSON text (an object), as OpenAI sends them
     */
    record Call(String name, String arguments) {}

    /**
     * The call in the body of a tagged call ({@code <tool_call>…</tool_call>}): one JSON object with
     * a {@code name} and its {@code arguments} (or {@code parameters}; an object, a string holding
     * one, or absent for none). Other keys are let be: the tags already say it is a call.
     */
    static Call tagged(String body) {
        JsonNode node = parse(body.strip());
        return node == null ? null : call(node, null);
    }

    /**
     * The calls in a message that is nothing but calls: one call object, several separated by
     * whitespace or semicolons, or an array of them. Stricter than {@link #tagged}, since no tag
     * says the text is a call: each must name one of {@code names} and hold no other keys;
     * otherwise null (the message is an answer that happens to be JSON).
     */
    static List<Call> bare(String text, Set<String> names) {
        List<Call> calls = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < text.length() && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ';')) {
                i++;
            }
            if (i == text.length()) {
                return calls.isEmpty() ? null : calls;
            }
            int end = valueEnd(text, i);
            JsonNode node = end < 0 ? null : parse(text.substring(i, end));
            if (node == null) {
                return null;
            }
            Iterator<JsonNode> elements = node.isArray() ? node.elements() : List.of(node).iterator();
            if (!elements.hasNext()) {
                return null;
            }
            while (elements.hasNext()) {
                Call call = call(elements.next(), names);
                if (call == null) {
                    return null;
                }
                calls.add(call);
            }
            i = end;
        }
    }

    /** A fresh call id, {@code call_} and 24 hexadecimal digits, as OpenAI's look. */
    static String newId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /** {@code node} as a call; with {@code names}, strictly (only call keys, a name among them). */
    private static Call call(JsonNode node, Set<String> names) {
        if (!node.isObject() || !node.path("name").isTextual() || node.path("name").textValue().isBlank()) {
            return null;
        }
        String name = node.get("name").textValue();
        if (names != null) {
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
                if (!CALL_KEYS.contains(keys.next())) {
                    return null;
                }
            }
            if (!names.contains(name)) {
                return null;
            }
        }
        if (node.has("arguments") && node.has("parameters")) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (arguments == null) {
            return new Call(name, "{}");
        }
        if (arguments.isTextual()) { // some models write the arguments as a JSON string, as OpenAI sends them
            JsonNode inner = parse(arguments.textValue());
            return inner != null && inner.isObject() ? new Call(name, inner.toString()) : null;
        }
        return arguments.isObject() ? new Call(name, arguments.toString()) : null;
    }

    /** One JSON value and nothing after it; null if {@code text} is not that. */
    private static JsonNode parse(String text) {
        try {
            JsonNode node = STRICT.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Where the object or array that opens at {@code start} closes (the index after its last
     * character), counting brackets outside strings; -1 if it does not close or does not open.
     */
    static int valueEnd(String text, int start) {
        char first = text.charAt(start);
        if (first != '{' && first != '[') {
            return -1;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }
}
