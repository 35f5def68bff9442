package dev.hearth.serve.ollama;

import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ollama's {@code format}: free text (absent, or {@code ""}), {@code "json"} (the answer is a JSON
 * object), or a JSON schema object the answer must validate against. A format other than free text
 * is enforced by constrained decoding, so the answer always parses.
 *
 * @param schema the schema when {@code kind} is {@link Kind#SCHEMA}; null otherwise
 */
record ResponseFormat(Kind kind, JsonNode schema) {
    static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null);

    enum Kind { TEXT, JSON, SCHEMA }

    /** The request's {@code format}; 400 naming {@code format} when it is neither of Ollama's forms. */
    static ResponseFormat parse(Fields body) {
        JsonNode format = body.raw("format");
        if (format == null || format.isTextual() && format.textValue().isEmpty()) {
            return TEXT;
        }
        if (format.isTextual() && format.textValue().equals("json")) {
            return new ResponseFormat(Kind.JSON, null);
        }
        if (format.isObject()) {
            return new ResponseFormat(Kind.SCHEMA, format);
        }
        throw ApiException.invalid("format", "format must be \"json\" or a JSON schema object, got "
                + Fields.describe(format));
    }

    /**
     * A fresh constraint for one completion (constraints keep state); null for free text.
     *
     * <p>CONSTRAINED-DECODING HOOK: the one place the Ollama API turns {@code format} into a
     * {@link TokenConstraint}. When {@code dev.hearth.model.constrain} is on main, {@code JSON}
     * becomes {@code JsonConstraints.anyObject(tokenizer)} and {@code SCHEMA}
     * {@code JsonConstraints.schema(tokenizer, schema)} (an invalid schema a 400 naming
     * {@code format}); until then a request that asks for JSON is refused rather than answered
     * with text that may not parse.
     */
    TokenConstraint constraint(Tokenizer tokenizer) {
        return switch (kind) {
            case TEXT -> null;
            case JSON, SCHEMA -> throw ApiException.invalid("format",
                    "format: JSON output (constrained decoding) is not available in this build of Hearth yet");
        };
    }
}
