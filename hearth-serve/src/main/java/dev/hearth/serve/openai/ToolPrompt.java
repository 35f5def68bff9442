package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tools for a chat template that does not know them (ChatML, Llama 2, Zephyr as Hearth builds
 * them in, and many fine-tunes' own): such a template drops the {@code tools} and writes an
 * assistant turn that only calls tools as an empty (or "None") turn. So the server says it in
 * words the template keeps: the tools and the way to call them in a system message, each earlier
 * call as the JSON text the model was asked to write, and each tool result as a user turn (a
 * template that knows no {@code tool} role may refuse one, or insist that user and assistant
 * alternate).
 */
final class ToolPrompt {
    private ToolPrompt() {}

    /**
     * {@code request} with {@code tools} described (none: only the history rewritten) and the
     * history's tool turns put in words.
     */
    static ChatRequest describe(ChatRequest request, List<Tool> tools) {
        List<ChatMessage> messages = new ArrayList<>();
        StringBuilder results = null;
        for (ChatMessage m : request.messages()) {
            if (m.role().equals("tool")) {
                results = results == null ? new StringBuilder() : results.append("\n\n");
                results.append("The function ").append(m.name() != null ? m.name() : "call " + m.toolCallId())
                        .append(" returned:\n").append(m.content());
                continue;
            }
            if (results != null) {
                messages.add(ChatMessage.user(results.toString()));
                results = null;
            }
            messages.add(m.role().equals("assistant") && !m.toolCalls().isEmpty() ? callsAsText(m) : m);
        }
        if (results != null) {
            messages.add(ChatMessage.user(results.toString()));
        }
        if (!tools.isEmpty()) {
            String description = instructions(tools);
            if (!messages.isEmpty() && messages.getFirst().role().equals("system")) {
                ChatMessage system = messages.getFirst();
                String content = system.content() == null || system.content().isBlank() ? description
                        : system.content() + "\n\n" + description;
                messages.set(0, new ChatMessage("system", content, List.of(), null, system.name(), null));
            } else {
                messages.addFirst(ChatMessage.system(description));
            }
        }
        return new ChatRequest(messages, request.tools(), request.addGenerationPrompt(), request.variables());
    }

    /** The system message's words: the functions, and the JSON that calls one. */
    static String instructions(List<Tool> tools) {
        StringBuilder text = new StringBuilder("You can call these functions (each one's parameters as JSON Schema):\n");
        for (Tool tool : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", tool.name());
            if (tool.description() != null) {
                function.put("description", tool.description());
            }
            function.put("parameters", tool.parameters() != null ? Json.toMap(tool.parameters()) : Map.of("type", "object"));
            text.append(Json.write(function)).append('\n');
        }
        return text.append("To call a function, answer with nothing but a JSON object, "
                + "{\"name\": \"<function name>\", \"arguments\": {<its arguments>}}, one line for each call. "
                + "Otherwise answer as usual.").toString();
    }

    /** An assistant turn's calls as the JSON lines the model was asked for, after its text if any. */
    private static ChatMessage callsAsText(ChatMessage m) {
        StringBuilder text = new StringBuilder();
        if (m.content() != null && !m.content().isBlank()) {
            text.append(m.content()).append('\n');
        }
        for (ToolCall call : m.toolCalls()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", call.name());
            json.put("arguments", arguments(call.argumentsJson()));
            text.append(Json.write(json)).append('\n');
        }
        return new ChatMessage("assistant", text.toString().strip(), List.of(), null, m.name(), m.reasoningContent());
    }

    private static Object arguments(String json) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            return node == null ? json : node;
        } catch (java.io.IOException e) {
            return json; // not JSON: as the text it is
        }
    }
}
