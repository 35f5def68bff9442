package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.template.ChatRequest;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.http.Json;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tool calls in the model's own convention ({@link ToolConvention}), for an API other than
 * OpenAI's that carries them (Ollama's {@code /api/chat}): the request as the model should see the
 * offered tools, and a reader that splits the streamed answer into content and whole calls, as
 * {@code tool_choice: auto} does here.
 */
public final class ModelToolCalls {
    private final ToolConvention convention;
    private final List<Tool> tools;
    private final Set<String> names = new LinkedHashSet<>();

    private ModelToolCalls(ToolConvention convention, List<Tool> tools) {
        this.convention = convention;
        this.tools = tools;
        tools.forEach(t -> names.add(t.name()));
    }

    /**
     * For the tools a request offers, in the {@code {"type": "function", "function": {"name",
     * "description", "parameters"}}} form chat templates take.
     */
    public static ModelToolCalls of(InferenceEngine engine, List<Map<String, Object>> offered) {
        List<Tool> tools = new ArrayList<>(offered.size());
        for (Map<String, Object> tool : offered) {
            if (tool.get("function") instanceof Map<?, ?> function && function.get("name") instanceof String name) {
                JsonNode parameters = function.get("parameters") == null ? null
                        : Json.mapper().valueToTree(function.get("parameters"));
                tools.add(new Tool(name, function.get("description") instanceof String d ? d : null, parameters, false));
            }
        }
        return new ModelToolCalls(ToolConvention.of(engine.chatPrompt()), tools);
    }

    /** {@code chat}, with the tools described in a system message when the model's template shows none. */
    public ChatRequest prepare(ChatRequest chat) {
        return convention.templateShowsTools() ? chat : ToolPrompt.describe(chat, tools);
    }

    /** A reader for one answer. Not thread-safe. */
    public Reader reader() {
        ChatOutputParser parser = convention.parser(names);
        return new Reader() {
            @Override
            public List<Part> accept(String text) {
                return parts(parser.accept(text));
            }

            @Override
            public List<Part> finish() {
                return parts(parser.finish());
            }
        };
    }

    /** Splits an answer, as it streams, into content and calls. */
    public interface Reader {
        /** The next text of the answer; returns what it completes (held text may come later). */
        List<Part> accept(String text);

        /** The answer has ended: what was held back. */
        List<Part> finish();
    }

    /**
     * A piece of the answer: content text, or one whole call.
     *
     * @param content the text; null for a call
     * @param name the function a call names; null for content
     * @param argumentsJson a call's arguments as JSON text; null for content
     */
    public record Part(String content, String name, String argumentsJson) {
        public boolean isCall() {
            return name != null;
        }
    }

    private static List<Part> parts(List<ChatCompletionChunk.Delta> deltas) {
        List<Part> parts = new ArrayList<>();
        for (ChatCompletionChunk.Delta delta : deltas) {
            if (delta.content() != null && !delta.content().isEmpty()) {
                parts.add(new Part(delta.content(), null, null));
            }
            if (delta.toolCalls() != null) {
                for (ChatCompletionChunk.ToolCallDelta call : delta.toolCalls()) {
                    parts.add(new Part(null, call.function().name(), call.function().arguments()));
                }
            }
        }
        return parts;
    }
}
