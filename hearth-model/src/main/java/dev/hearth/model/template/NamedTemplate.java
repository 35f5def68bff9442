package dev.hearth.model.template;

import java.util.Objects;

/**
 * A built-in chat template and the name it goes by ({@code chatml}, {@code llama3}, …), so that
 * a caller can say which one it fell back to.
 *
 * @param name the template's name
 * @param source its jinja2 source
 */
public record NamedTemplate(String name, String source) {
    public NamedTemplate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /** Compiles the template with the model's special tokens (either may be null). */
    public ChatTemplate compile(String bosToken, String eosToken) {
        return ChatTemplate.of(source, bosToken, eosToken);
    }
}
