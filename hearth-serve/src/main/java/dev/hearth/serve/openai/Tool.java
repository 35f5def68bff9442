package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.http.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function a chat request offers the model ({@code tools[i]}, whose {@code type} is
 * {@code function}).
 *
 * @param name what the model calls it by ({@code [a-zA-Z0-9_-]}, at most 64 characters, as OpenAI requires)
 * @param description what it does; may be null
 * @param parameters the JSON Schema of its arguments (an object); may be null
 * @param strict whether calls must follow the schema exactly
 */
public record Tool(String name, String description, JsonNode parameters, boolean strict) {

    /** The tool as chat templates take it: OpenAI's form, {@code {"type": "function", "function": {...}}}. */
    public Map<String, Object> asTemplateValue() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        if (description != null) {
            function.put("description", description);
        }
        if (parameters != null) {
            function.put("parameters", Json.toMap(parameters));
        }
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }
}
