package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.Limits;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a {@link ChatCompletionRequest}; every problem is a 400 naming the field. */
final class ChatFields {
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private ChatFields() {}

    static ChatCompletionRequest parse(Fields body, Limits limits) {
        String model = body.string("model").orElse(null);
        List<Fields> messageFields = body.objects("messages");
        if (messageFields.isEmpty()) {
            throw body.has("messages") ? ApiException.invalid("messages", "messages must hold at least one message")
                    : body.missing("messages");
        }
        if (messageFields.size() > limits.maxMessages()) {
            throw ApiException.invalid("messages", "messages may hold at most " + limits.maxMessages()
                    + " messages on this server, got " + messageFields.size());
        }
        List<ChatMessage> messages = new ArrayList<>(messageFields.size());
        for (Fields m : messageFields) {
            messages.add(message(m));
        }
        GenerationOptions options = GenerationFields.parse(body, limits, limits.maxTokens(), GenerationFields.chatLogprobs(body));
        List<Tool> tools = tools(body);
        ToolChoice toolChoice = toolChoice(body, tools);
        Map<String, Object> variables = new LinkedHashMap<>();
        if (body.object("chat_template_kwargs").isPresent()) {
            variables.putAll(Json.toMap(body.raw("chat_template_kwargs")));
        }
        ResponseFormat format = ResponseFormat.parse(body);
        format.grammar(); // an unenforceable schema is a 400 before any model is loaded (compiling is cheap)
        return new ChatCompletionRequest(model, messages, options, format, tools, toolChoice, variables);
    }

    private static ChatMessage message(Fields m) {
        String role = m.requiredString("role");
        String name = m.string("name").orElse(null);
        String content = content(m);
        return switch (role) {
            case "system", "developer" -> new ChatMessage("system", required(m, content), List.of(), null, name, null);
            case "user" -> new ChatMessage("user", required(m, content), List.of(), null, name, null);
            case "assistant" -> {
                List<ToolCall> calls = toolCalls(m);
                if (content == null && calls.isEmpty()) {
                    throw ApiException.invalid(m.path("content"), m.path("content") + " is required unless the message has tool_calls");
                }
                yield new ChatMessage("assistant", content, calls, null, name, m.string("reasoning_content").orElse(null));
            }
            case "tool" -> new ChatMessage("tool", required(m, content), List.of(), m.requiredString("tool_call_id"), name, null);
            default -> throw ApiException.invalid(m.path("role"), m.path("role")
                    + " must be one of system, developer, user, assistant, tool; got '" + role + "'");
        };
    }

    private static String required(Fields m, String content) {
        if (content == null) {
            throw m.missing("content");
        }
        return content;
    }

    /** A string, or an array of text parts joined with newlines; null when absent. */
    private static String content(Fields m) {
        JsonNode content = m.raw("content");
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw m.wrongType("content", "a string or an array of content parts", content);
        }
        List<String> texts = new ArrayList<>();
        List<Fields> parts = m.objects("content");
        for (Fields part : parts) {
            String type = part.requiredString("type");
            if (!type.equals("text")) {
                throw ApiException.invalid(part.path("type"), part.path("type") + " '" + type
                        + "' is not supported: this server takes text parts only");
            }
            texts.add(part.requiredString("text"));
        }
        return String.join("\n", texts);
    }

    private static List<ToolCall> toolCalls(Fields m) {
        List<ToolCall> calls = new ArrayList<>();
        for (Fields call : m.objects("tool_calls")) {
            String type = call.string("type").orElse("function");
            if (!type.equals("function")) {
                throw ApiException.invalid(call.path("type"), call.path("type") + " must be 'function', got '" + type + "'");
            }
            Fields function = call.object("function").orElseThrow(() -> call.missing("function"));
            calls.add(new ToolCall(call.string("id").orElse(null), function.requiredString("name"),
                    function.string("arguments").orElse("{}")));
        }
        return calls;
    }

    private static List<Tool> tools(Fields body) {
        List<Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Fields tool : body.objects("tools")) {
            String type = tool.requiredString("type");
            if (!type.equals("function")) {
                throw ApiException.invalid(tool.path("type"), tool.path("type") + " must be 'function', got '" + type + "'");
            }
            Fields function = tool.object("function").orElseThrow(() -> tool.missing("function"));
            String name = function.requiredString("name");
            if (!FUNCTION_NAME.matcher(name).matches()) {
                throw ApiException.invalid(function.path("name"), function.path("name")
                        + " must be 1 to 64 letters, digits, underscores or hyphens, got '" + name + "'");
            }
            if (!names.add(name)) {
                throw ApiException.invalid(function.path("name"), "two tools are named '" + name + "'");
            }
            JsonNode parameters = function.object("parameters").isPresent() ? function.raw("parameters") : null;
            tools.add(new Tool(name, function.string("description").orElse(null), parameters,
                    function.bool("strict").orElse(false)));
        }
        return tools;
    }

    private static ToolChoice toolChoice(Fields body, List<Tool> tools) {
        JsonNode choice = body.raw("tool_choice");
        if (choice == null) {
            return tools.isEmpty() ? ToolChoice.NONE : ToolChoice.AUTO;
        }
        ToolChoice parsed;
        if (choice.isTextual()) {
            parsed = switch (choice.textValue()) {
                case "none" -> ToolChoice.NONE;
                case "auto" -> ToolChoice.AUTO;
                case "required" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
                default -> throw ApiException.invalid("tool_choice", "tool_choice must be 'none', 'auto', 'required' or"
                        + " {\"type\": \"function\", \"function\": {\"name\": ...}}, got '" + choice.textValue() + "'");
            };
        } else if (choice.isObject()) {
            Fields object = body.object("tool_choice").orElseThrow();
            Fields function = object.object("function").orElseThrow(() -> object.missing("function"));
            String name = function.requiredString("name");
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw ApiException.invalid(function.path("name"), "tool_choice names the function '" + name
                        + "', which is not among the tools");
            }
            parsed = new ToolChoice(ToolChoice.Mode.FUNCTION, name);
        } else {
            throw body.wrongType("tool_choice", "a string or an object", choice);
        }
        if (tools.isEmpty() && parsed.mode() != ToolChoice.Mode.NONE) {
            throw ApiException.invalid("tool_choice", "tool_choice needs tools");
        }
        return parsed;
    }
}
