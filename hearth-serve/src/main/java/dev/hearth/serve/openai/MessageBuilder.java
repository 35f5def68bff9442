package dev.hearth.serve.openai;

import java.util.ArrayList;
import java.util.List;

/** Merges a choice's deltas into the whole message of an answer that is not streamed. */
final class MessageBuilder {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<String> ids = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<StringBuilder> arguments = new ArrayList<>();
    private boolean hasContent;

    void add(List<ChatCompletionChunk.Delta> deltas) {
        for (ChatCompletionChunk.Delta delta : deltas) {
            if (delta.content() != null) {
                content.append(delta.content());
                hasContent = true;
            }
            if (delta.reasoningContent() != null) {
                reasoning.append(delta.reasoningContent());
            }
            if (delta.toolCalls() != null) {
                delta.toolCalls().forEach(this::addToolCall);
            }
        }
    }

    private void addToolCall(ChatCompletionChunk.ToolCallDelta call) {
        while (ids.size() <= call.index()) {
            ids.add(null);
            names.add(null);
            arguments.add(new StringBuilder());
        }
        int i = call.index();
        if (call.id() != null) {
            ids.set(i, call.id());
        }
        if (call.function() != null) {
            if (call.function().name() != null) {
                names.set(i, call.function().name());
            }
            if (call.function().arguments() != null) {
                arguments.get(i).append(call.function().arguments());
            }
        }
    }

    boolean calledTools() {
        return !ids.isEmpty();
    }

    /** The message: content null when only tools were called, as OpenAI sends it. */
    ChatCompletion.Message build() {
        List<ChatCompletion.ToolCall> calls = null;
        if (calledTools()) {
            calls = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                calls.add(new ChatCompletion.ToolCall(ids.get(i), "function",
                        new ChatCompletion.Function(names.get(i), arguments.get(i).toString())));
            }
        }
        String text = hasContent || calls == null ? content.toString() : null;
        return new ChatCompletion.Message("assistant", text, calls, reasoning.isEmpty() ? null : reasoning.toString());
    }
}
