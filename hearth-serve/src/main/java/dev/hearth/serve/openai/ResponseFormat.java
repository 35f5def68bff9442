package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.constrain.JsonGrammar;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;

import java.util.regex.Pattern;

/**
 * A request's {@code response_format}, enforced by constrained decoding: {@code json_object}
 * keeps the output to one JSON object and {@code json_schema} to the values of its schema, so the
 * answer always parses (and validates) unless the token limit cuts it off (then
 * {@code finish_reason} is {@code length}, as with OpenAI).
 *
 * @param type {@code text}, {@code json_object} or {@code json_schema}
 * @param name for {@code json_schema}: the schema's name; otherwise null
 * @param schema for {@code json_schema}: the JSON Schema (an object); null otherwise, and when the
 *     request gave none (then any JSON object will do)
 * @param strict for {@code json_schema}: OpenAI's switch for following the schema exactly; Hearth
 *     always follows it, so this is only kept
 */
public record ResponseFormat(Type type, String name, JsonNode schema, boolean strict) {
    /** Where a schema's problems are reported. */
    static final String SCHEMA_FIELD = "response_format.json_schema.schema";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);

    /** The body's {@code response_format}; {@link #TEXT} when absent. */
    static ResponseFormat parse(Fields body) {
        var format = body.object("response_format");
        if (format.isEmpty()) {
            return TEXT;
        }
        Fields f = format.get();
        String type = f.requiredString("type");
        return switch (type) {
            case "text" -> TEXT;
            case "json_object" -> new ResponseFormat(Type.JSON_OBJECT, null, null, false);
            case "json_schema" -> {
                Fields schema = f.object("json_schema").orElseThrow(() -> f.missing("json_schema"));
                String name = schema.requiredString("name");
                if (!NAME.matcher(name).matches()) {
                    throw ApiException.invalid(schema.path("name"), schema.path("name")
                            + " must be 1 to 64 letters, digits, underscores or hyphens, got '" + name + "'");
                }
                JsonNode definition = schema.object("schema").isPresent() ? schema.raw("schema") : null;
                yield new ResponseFormat(Type.JSON_SCHEMA, name, definition, schema.bool("strict").orElse(false));
            }
            default -> throw ApiException.invalid(f.path("type"), f.path("type")
                    + " must be 'text', 'json_object' or 'json_schema', got '" + type + "'");
        };
    }

    /**
     * The compiled grammar the output must follow; null for free text. Compiled once per request,
     * then one constraint per choice ({@link JsonGrammar#constrain}): a constraint has state.
     *
     * @throws ApiException 400 naming {@value #SCHEMA_FIELD} when constrained decoding cannot follow the
     *     schema (the message starts with the JSON pointer of the keyword at fault)
     */
    JsonGrammar grammar() {
        return switch (type) {
            case TEXT -> null;
            case JSON_OBJECT -> JsonGrammar.anyObject();
            case JSON_SCHEMA -> {
                if (schema == null) {
                    yield JsonGrammar.anyObject();
                }
                try {
                    yield JsonGrammar.fromSchema(schema);
                } catch (IllegalArgumentException e) { // JsonSchemaException, naming the pointer
                    throw ApiException.invalid(SCHEMA_FIELD, SCHEMA_FIELD + " cannot be enforced: " + e.getMessage());
                }
            }
        };
    }
}
