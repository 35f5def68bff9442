package dev.hearth.serve.openai;

import java.util.List;

/**
 * One event of a streamed chat completion ({@code "object": "chat.completion.chunk"}): a piece of
 * one choice's message, its end ({@code finish_reason}), or, last, the usage with no choices.
 * A grounded answer's first chunk carries its {@code citations} (Hearth's extension, {@link ChatGrounding}).
 */
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices, Usage usage,
                                  List<?> citations) {

    public ChatCompletionChunk(String id, long created, String model, List<Choice> choices, Usage usage) {
        this(id, "chat.completion.chunk", created, model, choices, usage, null);
    }

    /** @param finishReason null until the choice's last chunk */
    public record Choice(int index, Delta delta, Logprobs logprobs, String finishReason) {}

    /**
     * What a chunk adds to the message: the role (first chunk only), text, tool-call fragments, or
     * reasoning. Null fields are absent.
     */
    public record Delta(String role, String content, List<ToolCallDelta> toolCalls, String reasoningContent) {

        public static Delta content(String text) {
            return new Delta(null, text, null, null);
        }
    }

    /**
     * A fragment of tool call {@code index}: the first names it ({@code id}, {@code type},
     * {@code function.name}); later ones append to {@code function.arguments}.
     */
    public record ToolCallDelta(int index, String id, String type, ChatCompletion.Function function) {}
}
