package dev.hearth.model.template;

import java.time.Clock;

/**
 * A model's chat template: turns a conversation into the exact prompt text the model was
 * trained on, as Hugging Face transformers' {@code apply_chat_template} would render it.
 *
 * <p>Templates are jinja2 source (a GGUF's {@code tokenizer.chat_template}, a
 * {@code tokenizer_config.json}'s {@code chat_template}, or one of {@link ChatTemplates}).
 *
 * <p>A {@code ChatTemplate} is immutable and thread-safe; any number of threads may render
 * with one instance at once.
 */
public interface ChatTemplate {

    /**
     * Renders a conversation.
     *
     * @throws TemplateException when the template rejects the conversation (its
     *     {@code raise_exception}) or fails while rendering
     */
    String render(ChatRequest request);

    /** The jinja2 source as given. */
    String source();

    /**
     * Compiles a template.
     *
     * @param jinjaSource the jinja2 source
     * @param bosToken the text of the beginning-of-sequence token, which templates print as
     *     {@code bos_token}; null when the model has none
     * @param eosToken likewise for {@code eos_token}
     * @throws TemplateException when the source has a syntax error (unclosed or unknown tags);
     *     errors inside expressions surface at {@link #render}
     */
    static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
        return new JinjavaChatTemplate(jinjaSource, bosToken, eosToken, Clock.systemDefaultZone());
    }
}
