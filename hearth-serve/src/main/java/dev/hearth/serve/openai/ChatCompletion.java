package dev.hearth.serve.openai;

import java.util.List;

/**
 * A chat completion answered whole ({@code "object": "chat.completion"}). Field names are
 * OpenAI's in snake_case ({@link dev.hearth.serve.http.Json}); null fields are left out.
 * {@code citations} is Hearth's extension: what a grounded answer ({@link ChatGrounding}) may cite.
 */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
                             List<?> citations) {

    public ChatCompletion(String id, long created, String model, List<Choice> choices, Usage usage) {
        this(id, "chat.completion", created, model, choices, usage, null);
    }

    /**
     * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
     * @param logprobs null unless the request asked for them
     */
    public record Choice(int index, Message message, Logprobs logprobs, String finishReason) {}

    /**
     * The assistant's message.
     *
     * @param content the text; null when the message only calls tools
     * @param toolCalls the calls it makes; null when none
     * @param reasoningContent reasoning kept apart from the answer (DeepSeek's extension); null when none
     */
    public record Message(String role, String content, List<ToolCall> toolCalls, String reasoningContent) {}

    /** A call the model makes: {@code type} is {@code function}. */
    public record ToolCall(String id, String type, Function function) {}

    /**
     * A function's name and its arguments as JSON text. In a streamed {@link ChatCompletionChunk.ToolCallDelta}
     * either may be a fragment or null.
     */
    public record Function(String name, String arguments) {}
}
