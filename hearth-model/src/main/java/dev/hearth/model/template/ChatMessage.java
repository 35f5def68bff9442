package dev.hearth.model.template;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * <p>Optional fields are null (or, for tool calls, empty) when absent; a template then sees no
 * such key at all, so {@code message.reasoning_content is defined} behaves as with Hugging Face.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool} (templates may
 *     know others, such as {@code ipython}, so any role is passed through)
 * @param content the text; may be null (an assistant turn that only calls tools), which the
 *     template sees as {@code none}
 * @param toolCalls the calls an assistant turn makes; never null
 * @param toolCallId for a tool turn, the id of the call it answers
 * @param name for a tool turn, the tool's name (some templates print it)
 * @param reasoningContent an assistant turn's reasoning, kept apart from its answer
 */
public record ChatMessage(
        String role,
        String content,
        List<ToolCall> toolCalls,
        String toolCallId,
        String name,
        String reasoningContent) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, List.of(), null, null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, List.of(), null, null, null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, List.of(), null, null, null);
    }

    /** An assistant turn that calls tools, with whatever text came before the calls. */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, toolCalls, null, null, null);
    }

    /** A tool's result, answering the call with {@code toolCallId}. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage("tool", content, List.of(), toolCallId, null, null);
    }

    /** This message with its reasoning kept apart from its content. */
    public ChatMessage withReasoning(String reasoning) {
        return new ChatMessage(role, content, toolCalls, toolCallId, name, reasoning);
    }
}
