package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat request's {@code response_format}, validated in shape.
 *
 * <p>EXTENSION POINT: today the server accepts this and does not yet enforce it; a
 * {@link ChatOutputs} implementation turns it into a {@link dev.hearth.model.sampling.TokenConstraint}
 * (constrained decoding) so the output always parses and follows the schema.
 *
 * @param type {@code text}, {@code json_object} or {@code json_schema}
 * @param name for {@code json_schema}: the schema's name; otherwise null
 * @param schema for {@code json_schema}: the JSON Schema (an object); otherwise null
 * @param strict for {@code json_schema}: whether the output must follow the schema exactly
 */
public record ResponseFormat(Type type, String name, JsonNode schema, boolean strict) {

    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
}
