package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.hearth.testdata.TestData;

/**
 * The Qwen3 template from its {@code tokenizer_config.json}, against what Hugging Face's
 * {@code apply_chat_template} produces (worked out from the template, checked with jinja2).
 */
class Qwen3ChatTemplateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ChatTemplate qwen3;

    @BeforeAll
    static void load() throws IOException {
        var config = JSON.readTree(Files.readString(TestData.file("qwen3-tokenizer/tokenizer_config.json")));
        qwen3 = ChatTemplate.of(config.get("chat_template").asText(), null, "<|im_end|>");
    }

    @Test
    void rendersSystemAndUserWithGenerationPrompt() {
        String prompt = qwen3.render(ChatRequest.of(List.of(
                ChatMessage.system("You are a helpful assistant."), ChatMessage.user("Hello!"))));

        assertThat(prompt).isEqualTo("""
                <|im_start|>system
                You are a helpful assistant.<|im_end|>
                <|im_start|>user
                Hello!<|im_end|>
                <|im_start|>assistant
                """);
    }

    @Test
    void stripsReasoningFromEarlierTurnsButKeepsItAfterTheLastQuery() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("<think>\nSimple arithmetic.\n</think>\n\n2+2 is 4."),
                ChatMessage.user("And 3+3?"),
                ChatMessage.assistant("<think>\nAdd three and three.\n</think>\n\n6."));

        String prompt = qwen3.render(ChatRequest.of(conversation).withGenerationPrompt(false));

        assertThat(prompt).isEqualTo("""
                <|im_start|>user
                What is 2+2?<|im_end|>
                <|im_start|>assistant
                2+2 is 4.<|im_end|>
                <|im_start|>user
                And 3+3?<|im_end|>
                <|im_start|>assistant
                <think>
                Add three and three.
                </think>

                6.<|im_end|>
                """);
    }

    @Test
    void stripsReasoningFromAnsweredTurnsBeforeTheGenerationPrompt() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("<think>\nSimple arithmetic.\n</think>\n\n2+2 is 4."),
                ChatMessage.user("And 3+3?"));

        assertThat(qwen3.render(ChatRequest.of(conversation))).isEqualTo("""
                <|im_start|>user
                What is 2+2?<|im_end|>
                <|im_start|>assistant
                2+2 is 4.<|im_end|>
                <|im_start|>user
                And 3+3?<|im_end|>
                <|im_start|>assistant
                """);
    }

    @Test
    void rendersReasoningContentFieldAsThinkBlock() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Hi"), ChatMessage.assistant("Hello!").withReasoning("The user greets me."));

        assertThat(qwen3.render(ChatRequest.of(conversation).withGenerationPrompt(false))).isEqualTo("""
                <|im_start|>user
                Hi<|im_end|>
                <|im_start|>assistant
                <think>
                The user greets me.
                </think>

                Hello!<|im_end|>
                """);
    }

    @Test
    void rendersToolsToolCallsAndGroupedToolResponses() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> weather = JSON.readValue("""
                {"type": "function", "function": {"name": "get_weather",
                 "description": "Get the current weather in a city",
                 "parameters": {"type": "object", "properties": {
                   "city": {"type": "string", "description": "City name, e.g. Zürich"},
                   "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                  "required": ["city"]}}}""", Map.class);
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("Be brief."),
                ChatMessage.user("Weather in Paris and Zürich?"),
                ChatMessage.assistant("", List.of(
                        new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ToolCall("call_2", "get_weather", "{\"city\": \"Zürich\", \"unit\": \"celsius\"}"))),
                ChatMessage.tool("call_1", "{\"temp\": 18}"),
                ChatMessage.tool("call_2", "{\"temp\": 12.5}"));

        String prompt = qwen3.render(ChatRequest.of(conversation).withTools(List.of(weather)));

        assertThat(prompt).isEqualTo("""
                <|im_start|>system
                Be brief.

                # Tools

                You may call one or more functions to assist with the user query.

                You are provided with function signatures within <tools></tools> XML tags:
                <tools>
                {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name, e.g. Zürich"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}
                </tools>

                For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
                <tool_call>
                {"name": <function-name>, "arguments": <args-json-object>}
                </tool_call><|im_end|>
                <|im_start|>user
                Weather in Paris and Zürich?<|im_end|>
                <|im_start|>assistant
                <tool_call>
                {"name": "get_weather", "arguments": {"city": "Paris"}}
                </tool_call>
                <tool_call>
                {"name": "get_weather", "arguments": {"city": "Zürich", "unit": "celsius"}}
                </tool_call><|im_end|>
                <|im_start|>user
                <tool_response>
                {"temp": 18}
                </tool_response>
                <tool_response>
                {"temp": 12.5}
                </tool_response><|im_end|>
                <|im_start|>assistant
                """);
    }

    @Test
    void closesAnEmptyThinkBlockWhenThinkingIsDisabled() {
        ChatRequest request = ChatRequest.of(List.of(ChatMessage.user("Hello!"))).withVariable("enable_thinking", false);

        assertThat(qwen3.render(request)).isEqualTo("""
                <|im_start|>user
                Hello!<|im_end|>
                <|im_start|>assistant
                <think>

                </think>

                """);
    }
}
