package dev.hearth.serve.ollama;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.Limits;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code POST /api/chat} body.
 *
 * <p>Messages carry Ollama's fields: {@code role} (lower-cased, as Ollama does), {@code content},
 * an assistant's {@code tool_calls} (arguments as a JSON object), a tool result's
 * {@code tool_name} and {@code tool_call_id}, an assistant's earlier {@code thinking}. Images are
 * refused: Hearth serves text models.
 *
 * @param messages the conversation; empty asks only that the model be loaded
 * @param tools the tools on offer, in the {@code {"type": "function", "function": {…}}} form
 *     templates read; null when none
 */
record ChatBody(CompletionSettings settings, List<ChatMessage> messages, List<Map<String, Object>> tools) {
    static ChatBody parse(Fields body, Limits limits) {
        CompletionSettings settings = CompletionSettings.parse(body, limits);
        List<Fields> given = body.objects("messages");
        if (given.size() > limits.maxMessages()) {
            throw ApiException.invalid("messages", "messages holds " + given.size()
                    + " messages; this server takes at most " + limits.maxMessages());
        }
        List<ChatMessage> messages = new ArrayList<>(given.size());
        for (Fields m : given) {
            messages.add(message(m));
        }
        return new ChatBody(settings, messages, tools(body));
    }

    /** The conversation as the chat template renders it, ending with the assistant's header. */
    ChatRequest chatRequest() {
        return settings.applyTo(ChatRequest.of(messages).withTools(tools));
    }

    private static ChatMessage message(Fields m) {
        String role = m.requiredString("role").toLowerCase(Locale.ROOT);
        if (!m.array("images").isEmpty()) {
            throw ApiException.invalid(m.path("images"), m.path("images")
                    + ": images are not supported; Hearth serves text-only models");
        }
        List<ToolCall> calls = new ArrayList<>();
        for (Fields call : m.objects("tool_calls")) {
            calls.add(toolCall(call));
        }
        return new ChatMessage(role, m.string("content").orElse(""), calls, m.string("tool_call_id").orElse(null),
                m.string("tool_name").orElse(null), m.string("thinking").orElse(null));
    }

    private static ToolCall toolCall(Fields call) {
        Fields function = call.object("function").orElseThrow(() -> call.missing("function"));
        JsonNode arguments = function.raw("arguments");
        if (arguments != null && !arguments.isObject()) {
            throw function.wrongType("arguments", "an object", arguments);
        }
        return new ToolCall(call.string("id").orElse(null), function.requiredString("name"),
                arguments == null ? "{}" : Json.write(arguments));
    }

    private static List<Map<String, Object>> tools(Fields body) {
        List<JsonNode> given = body.array("tools");
        if (given.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> tools = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            Fields tool = Fields.of(given.get(i), body.path("tools") + "[" + i + "]");
            tool.string("type").filter(t -> !t.equals("function")).ifPresent(t -> {
                throw ApiException.invalid(tool.path("type"), tool.path("type") + " must be \"function\", got \"" + t + "\"");
            });
            tool.object("function").orElseThrow(() -> tool.missing("function")).requiredString("name");
            tools.add(Json.toMap(given.get(i)));
        }
        return tools;
    }
}
