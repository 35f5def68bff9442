package dev.hearth.model.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.Tokenizer;
import java.util.Objects;

/**
 * A compiled description of the JSON a generation may write: any object (OpenAI's
 * {@code response_format: {"type": "json_object"}}) or the values of a JSON Schema
 * ({@code json_schema}). Immutable and thread-safe: compile a schema once and build a
 * {@link #constrain constraint} from it for each request.
 *
 * <p>The schema subset: {@code type} (one or a list), {@code properties}, {@code required},
 * {@code additionalProperties} (false, true or a schema), {@code items}, {@code prefixItems},
 * {@code minItems}/{@code maxItems}, {@code minLength}/{@code maxLength}, {@code enum},
 * {@code const}, {@code anyOf}/{@code oneOf}, {@code allOf} of one schema, {@code nullable}, and
 * local {@code $ref}s ({@code #}, {@code #/$defs/…}, {@code #/definitions/…}), recursive ones
 * included. Annotations ({@code description}, {@code title}, {@code format}, {@code default},
 * {@code examples}, {@code strict}, …) and numeric bounds ({@code minimum}, {@code maximum} and the
 * exclusive ones) are ignored. Anything else is refused with a {@link JsonSchemaException} naming
 * its JSON pointer. Properties are written in the schema's order; see {@link ObjectRule} and
 * {@link SchemaCompiler} for the other choices.
 */
public final class JsonGrammar {
    private static final JsonGrammar ANY_OBJECT = new JsonGrammar(new RootRule(JsonValues.ANY_OBJECT));

    private final RootRule root;

    private JsonGrammar(RootRule root) {
        this.root = root;
    }

    /** Any JSON object, as OpenAI's {@code json_object} response format asks. */
    public static JsonGrammar anyObject() {
        return ANY_OBJECT;
    }

    /**
     * The values {@code schema} describes.
     *
     * @throws JsonSchemaException if the schema uses a keyword outside the supported subset, is
     *     malformed, or admits no value; the message starts with the keyword's JSON pointer
     */
    public static JsonGrammar fromSchema(JsonNode schema) {
        return new JsonGrammar(SchemaCompiler.compile(Objects.requireNonNull(schema, "schema")));
    }

    /**
     * A fresh constraint for one generation with {@code tokenizer}. The first call for a tokenizer
     * indexes its vocabulary (about a second for 150k tokens); later calls reuse that.
     */
    public TokenConstraint constrain(Tokenizer tokenizer) {
        return constrain(TokenTrie.of(Objects.requireNonNull(tokenizer, "tokenizer")));
    }

    /** A constraint over an already indexed vocabulary (tests use small synthetic ones). */
    JsonConstraint constrain(TokenTrie trie) {
        return new JsonConstraint(root, trie);
    }
}
