package dev.hearth.serve.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Map;

/**
 * The one JSON mapper of the HTTP layer. Response records are written with camelCase components
 * and appear in snake_case ({@code finishReason} → {@code finish_reason}), as both OpenAI's and
 * Ollama's APIs spell their fields; absent (null) fields are left out.
 *
 * <p>Requests are read as trees ({@link Fields}), not bound to classes, so that every wrong type
 * or value is reported with the name of its field.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A JSON object as a map of plain Java values (maps, lists, strings, numbers, booleans, nulls). */
    public static Map<String, Object> toMap(JsonNode object) {
        return MAPPER.convertValue(object, new TypeReference<Map<String, Object>>() {});
    }

    /** {@code value} as JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
