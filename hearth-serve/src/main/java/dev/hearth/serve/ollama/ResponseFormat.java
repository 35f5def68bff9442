package dev.hearth.serve.ollama;

import dev.hearth.model.constrain.JsonGrammar;
import dev.hearth.model.constrain.JsonSchemaException;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ollama's {@code format}: free text (absent, or {@code ""}), {@code "json"} (the answer is a JSON
 * object), or a JSON schema object the answer must validate against. A format other than free text
 * is enforced by constrained decoding, so the answer always parses (unless {@code num_predict}
 * cuts it short); the generation ends when the JSON value closes.
 *
 * <p>A schema is compiled when the request is read, so one outside the supported subset (see
 * {@link JsonGrammar}) is a 400 naming its keyword before any model is loaded.
 *
 * @param grammar what the answer must follow; null for free text
 */
record ResponseFormat(Kind kind, JsonGrammar grammar) {
    static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null);

    enum Kind { TEXT, JSON, SCHEMA }

    /** The request's {@code format}; 400 naming {@code format} when it is neither of Ollama's forms. */
    static ResponseFormat parse(Fields body) {
        JsonNode format = body.raw("format");
        if (format == null || format.isTextual() && format.textValue().isEmpty()) {
            return TEXT;
        }
        if (format.isTextual() && format.textValue().equals("json")) {
            return new ResponseFormat(Kind.JSON, JsonGrammar.anyObject());
        }
        if (!format.isObject()) {
            throw ApiException.invalid("format", "format must be \"json\" or a JSON schema object, got "
                    + Fields.describe(format));
        }
        try {
            return new ResponseFormat(Kind.SCHEMA, JsonGrammar.fromSchema(format));
        } catch (JsonSchemaException e) {
            throw ApiException.invalid("format", "format: the schema cannot be followed at " + e.getMessage());
        }
    }

    /** A fresh constraint for one completion (constraints keep state); null for free text. */
    TokenConstraint constraint(Tokenizer tokenizer) {
        return grammar == null ? null : grammar.constrain(tokenizer);
    }
}
