package dev.hearth.model.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The variables a template renders with, shaped exactly as Hugging Face's
 * {@code apply_chat_template} passes them: {@code messages} as a list of dicts, {@code tools},
 * {@code add_generation_prompt}, the special tokens, and the caller's extra variables.
 */
final class TemplateVariables {
    private TemplateVariables() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Object> of(ChatRequest request, String bosToken, String eosToken) {
        // HashMap, not Map.of: Python's None values (tools, documents) are legitimate here
        Map<String, Object> variables = new HashMap<>(JinjaEnvironment.DEFINED_FUNCTIONS);
        variables.put("bos_token", bosToken);
        variables.put("eos_token", eosToken);
        variables.putAll(request.variables());
        variables.put("messages", request.messages().stream().map(TemplateVariables::message).toList());
        variables.put("tools", request.tools());
        variables.put("documents", null);
        variables.put("add_generation_prompt", request.addGenerationPrompt());
        return variables;
    }

    /** A message as a dict holding only the keys the message has, as an OpenAI client sends it. */
    static Map<String, Object> message(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.content());
        if (!message.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ToolCall call : message.toolCalls()) {
                calls.add(toolCall(call));
            }
            map.put("tool_calls", calls);
        }
        putIfPresent(map, "tool_call_id", message.toolCallId());
        putIfPresent(map, "name", message.name());
        putIfPresent(map, "reasoning_content", message.reasoningContent());
        return map;
    }

    private static Map<String, Object> toolCall(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", arguments(call.argumentsJson()));
        Map<String, Object> map = new LinkedHashMap<>();
        putIfPresent(map, "id", call.id());
        map.put("type", "function");
        map.put("function", function);
        return map;
    }

    /** Templates expect a dict (they print it with tojson); text that is not JSON stays text. */
    private static Object arguments(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JacksonException e) {
            return json;
        }
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
