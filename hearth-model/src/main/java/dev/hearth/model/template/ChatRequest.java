package dev.hearth.model.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a chat template renders: the conversation, the tools on offer, and extra variables.
 *
 * @param messages the conversation, oldest first
 * @param tools the tools in OpenAI's JSON-schema form, each a mapping such as
 *     {@code {"type": "function", "function": {"name": …, "description": …, "parameters": …}}};
 *     null when the request offers none (templates then see {@code tools} as {@code none})
 * @param addGenerationPrompt whether to end with the header that starts the assistant's turn
 * @param variables extra template variables, such as {@code enable_thinking} or
 *     {@code date_string}; they override the defaults ({@code bos_token}, {@code eos_token}) but
 *     not {@code messages}, {@code tools} or {@code add_generation_prompt}
 */
public record ChatRequest(
        List<ChatMessage> messages,
        List<Map<String, Object>> tools,
        boolean addGenerationPrompt,
        Map<String, Object> variables) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? null : List.copyOf(tools);
        // LinkedHashMap rather than Map.copyOf: variables may hold null, as Python's None
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(variables, Map.of())));
    }

    /** The conversation, ending with the assistant's header so the model answers next. */
    public static ChatRequest of(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, true, Map.of());
    }

    public ChatRequest withTools(List<Map<String, Object>> tools) {
        return new ChatRequest(messages, tools, addGenerationPrompt, variables);
    }

    public ChatRequest withGenerationPrompt(boolean add) {
        return new ChatRequest(messages, tools, add, variables);
    }

    /** This request with one more template variable, e.g. {@code enable_thinking=false}. */
    public ChatRequest withVariable(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(variables);
        more.put(name, value);
        return new ChatRequest(messages, tools, addGenerationPrompt, more);
    }
}
