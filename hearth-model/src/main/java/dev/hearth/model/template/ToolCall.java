package dev.hearth.model.template;

import java.util.Objects;

/**
 * One function call an assistant message asked for, as the OpenAI API carries it.
 *
 * @param id the call's id, echoed back by the tool message that answers it; may be null
 * @param name the function's name
 * @param argumentsJson the arguments as JSON text (OpenAI sends a string); templates receive it
 *     parsed into a mapping, as Hugging Face's templates expect, or as the raw text when it is
 *     not valid JSON
 */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(argumentsJson, "argumentsJson");
    }
}
