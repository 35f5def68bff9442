package dev.hearth.model.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The built-in chat templates, for models whose files carry no {@code tokenizer.chat_template}.
 *
 * <p>The choice looks first at the vocabulary (a model that has {@code <|im_start|>} was
 * trained on ChatML whatever its architecture), then at the architecture name as GGUF spells
 * it ({@code general.architecture}). Stateless and thread-safe.
 */
public final class ChatTemplates {
    private ChatTemplates() {}

    /** The names {@link #named} accepts. */
    public static final List<String> NAMES = List.of("chatml", "llama3", "llama2", "gemma", "phi3", "zephyr");

    /**
     * The template a model most likely expects.
     *
     * @param architecture e.g. {@code qwen3}, {@code llama}, {@code gemma2}; may be null
     * @param hasToken whether the model's vocabulary holds a token with exactly this text
     */
    public static NamedTemplate defaultFor(String architecture, Predicate<String> hasToken) {
        String arch = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        if (hasToken.test("<|im_start|>") || arch.startsWith("qwen")) {
            return named("chatml");
        }
        if (hasToken.test("<|start_header_id|>")) {
            return named("llama3");
        }
        if (hasToken.test("<start_of_turn>") || arch.startsWith("gemma")) {
            return named("gemma");
        }
        if (hasToken.test("<|end|>") && hasToken.test("<|assistant|>") || arch.startsWith("phi3")) {
            return named("phi3");
        }
        if (hasToken.test("[INST]") || arch.equals("llama") || arch.startsWith("mistral")) {
            return named("llama2");
        }
        return named("zephyr");
    }

    /**
     * A built-in template by name.
     *
     * @throws IllegalArgumentException if there is none of that name
     */
    public static NamedTemplate named(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no built-in chat template named '" + name + "'; there are " + NAMES);
        }
        try (InputStream in = ChatTemplates.class.getResourceAsStream(name + ".jinja")) {
            if (in == null) {
                throw new IllegalStateException("built-in chat template " + name + ".jinja is missing from the jar");
            }
            return new NamedTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
