package dev.hearth.serve.openai;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /v1/chat/completions} request, validated.
 *
 * @param model the model's name; null when the request named none (allowed when the server has one model)
 * @param messages the conversation; roles {@code system} (and {@code developer}, taken as it),
 *     {@code user}, {@code assistant} (with {@code tool_calls}) and {@code tool} (with {@code tool_call_id})
 * @param options sampling, limits, streaming
 * @param responseFormat {@code response_format}; {@link ResponseFormat#TEXT} when absent
 * @param tools {@code tools}; empty when absent
 * @param toolChoice {@code tool_choice}; {@code auto} when tools are offered, {@code none} when not
 * @param templateVariables {@code chat_template_kwargs} (llama.cpp's and vLLM's extension, e.g.
 *     {@code enable_thinking}); empty when absent
 */
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        GenerationOptions options,
        ResponseFormat responseFormat,
        List<Tool> tools,
        ToolChoice toolChoice,
        Map<String, Object> templateVariables) {

    public ChatCompletionRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        // not Map.copyOf: a variable may be null (Python's None)
        templateVariables = Collections.unmodifiableMap(new LinkedHashMap<>(templateVariables));
    }

    /** What the chat template renders: the messages, the tools (if any), the variables. */
    public ChatRequest chatRequest() {
        ChatRequest request = ChatRequest.of(messages);
        if (!tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE) {
            request = request.withTools(tools.stream().map(Tool::asTemplateValue).toList());
        }
        for (var variable : templateVariables.entrySet()) {
            request = request.withVariable(variable.getKey(), variable.getValue());
        }
        return request;
    }
}
