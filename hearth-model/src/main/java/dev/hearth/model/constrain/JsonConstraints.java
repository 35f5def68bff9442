package dev.hearth.model.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.Tokenizer;

/**
 * Constrained decoding to JSON, for OpenAI's {@code response_format}: shorthands for
 * {@link JsonGrammar}. A server that sees the same schema often can keep the
 * {@link JsonGrammar#fromSchema compiled grammar} and call {@link JsonGrammar#constrain} per
 * request instead.
 */
public final class JsonConstraints {
    private JsonConstraints() {}

    /** A constraint to any JSON object ({@code {"type": "json_object"}}). */
    public static TokenConstraint anyObject(Tokenizer tokenizer) {
        return JsonGrammar.anyObject().constrain(tokenizer);
    }

    /**
     * A constraint to the values of a JSON Schema ({@code {"type": "json_schema"}}'s
     * {@code schema}).
     *
     * @throws JsonSchemaException if the schema is outside the supported subset, naming the
     *     keyword's JSON pointer (see {@link JsonGrammar})
     */
    public static TokenConstraint schema(Tokenizer tokenizer, JsonNode schema) {
        return JsonGrammar.fromSchema(schema).constrain(tokenizer);
    }
}
