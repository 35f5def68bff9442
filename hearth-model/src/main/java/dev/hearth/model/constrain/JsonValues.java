package dev.hearth.model.constrain;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The rules for unconstrained JSON, shared by every grammar: any value (the schema {@code {}} or
 * {@code true}, an absent {@code items}), and any object ({@code response_format: json_object}).
 */
final class JsonValues {
    /** Any JSON value. */
    static final Rule ANY;
    /** Any JSON object. */
    static final Rule ANY_OBJECT;

    static {
        RefRule any = new RefRule();
        ObjectRule object = new ObjectRule(List.of(), any);
        ArrayRule array = new ArrayRule(List.of(), any, 0, Long.MAX_VALUE);
        AnyOfRule value = new AnyOfRule(List.of(object, array, new StringRule(0, Long.MAX_VALUE),
                new NumberRule(false), literals("true", "false", "null")));
        any.resolve(value);
        Rule.link(List.of(any, object, array, value));
        ANY = any;
        ANY_OBJECT = object;
    }

    private JsonValues() {}

    /** The rule for exactly these texts. */
    static LiteralRule literals(String... texts) {
        return new LiteralRule(java.util.Arrays.stream(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }
}
