package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatFieldsTest {
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    private static ChatCompletionRequest parse(String fields) {
        String json = "{" + fields + "}";
        return ChatFields.parse(Fields.parse(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults().withMaxTokens(1000));
    }

    @ParameterizedTest(name = "{0} names {1}")
    @CsvSource(delimiter = '|', textBlock = """
            "temperature": 2.5                                   | temperature
            "temperature": "0.2"                                 | temperature
            "top_p": 1.5                                         | top_p
            "top_k": -1                                          | top_k
            "min_p": 2                                           | min_p
            "presence_penalty": 3                                | presence_penalty
            "frequency_penalty": -2.5                            | frequency_penalty
            "repetition_penalty": 0                              | repetition_penalty
            "max_tokens": 0                                      | max_tokens
            "max_tokens": 1001                                   | max_tokens
            "max_completion_tokens": 5000                        | max_completion_tokens
            "n": 0                                               | n
            "n": 9                                               | n
            "seed": 1.5                                          | seed
            "stop": 5                                            | stop
            "stop": ["a", 5]                                     | stop
            "stop": [""]                                         | stop
            "stream": "yes"                                      | stream
            "stream_options": {"include_usage": 1}               | stream_options.include_usage
            "logprobs": 1                                        | logprobs
            "top_logprobs": 2                                    | top_logprobs
            "logprobs": true, "top_logprobs": 21                 | top_logprobs
            "logit_bias": {"5": 10}                              | logit_bias
            "response_format": {"type": "xml"}                   | response_format.type
            "response_format": {"type": "json_schema"}           | response_format.json_schema
            "response_format": {"type": "json_schema", "json_schema": {"name": "a b"}} | response_format.json_schema.name
            "tools": [{"type": "retrieval"}]                     | tools[0].type
            "tools": [{"type": "function", "function": {}}]      | tools[0].function.name
            "tools": [{"type": "function", "function": {"name": "x y"}}] | tools[0].function.name
            "tool_choice": "auto"                                | tool_choice
            "tool_choice": "sometimes", "tools": [{"type": "function", "function": {"name": "f"}}] | tool_choice
            "tool_choice": {"type": "function", "function": {"name": "g"}}, "tools": [{"type": "function", "function": {"name": "f"}}] | tool_choice.function.name
            "chat_template_kwargs": true                         | chat_template_kwargs
            "model": 5                                           | model
            """)
    void everyBadFieldIsA400NamingIt(String field, String param) {
        assertThatThrownBy(() -> parse(MESSAGES + ", " + field)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).contains(param.replaceAll(".*\\.", ""));
        });
    }

    @ParameterizedTest(name = "{0} names {1}")
    @CsvSource(delimiter = '|', textBlock = """
            "messages": []                                                     | messages
            "messages": "hi"                                                   | messages
            "messages": [{"content": "hi"}]                                    | messages[0].role
            "messages": [{"role": "robot", "content": "hi"}]                   | messages[0].role
            "messages": [{"role": "user"}]                                     | messages[0].content
            "messages": [{"role": "user", "content": 5}]                       | messages[0].content
            "messages": [{"role": "user", "content": [{"type": "image_url"}]}] | messages[0].content[0].type
            "messages": [{"role": "assistant"}]                                | messages[0].content
            "messages": [{"role": "tool", "content": "42"}]                    | messages[0].tool_call_id
            "messages": [{"role": "assistant", "tool_calls": [{"type": "function"}]}] | messages[0].tool_calls[0].function
            """)
    void everyBadMessageIsA400NamingItsPath(String field, String param) {
        assertThatThrownBy(() -> parse(field)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo(param));
        assertThatThrownBy(() -> parse("\"model\": \"m\"")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.param()).isEqualTo("messages"));
    }

    @Test
    void fieldsLeftOutTakeLlamaCppsSamplingAndTheServersTokenLimit() {
        ChatCompletionRequest request = parse(MESSAGES);
        GenerationOptions options = request.options();
        assertThat(request.model()).isNull();
        assertThat(options.maxTokens()).isEqualTo(1000);
        assertThat(options.sampling().temperature()).isEqualTo(0.8f);
        assertThat(options.sampling().topK()).isEqualTo(40);
        assertThat(options.sampling().seed()).isEmpty();
        assertThat(options.n()).isEqualTo(1);
        assertThat(options.topLogprobs()).isEqualTo(-1);
        assertThat(options.stream()).isFalse();
        assertThat(request.toolChoice()).isEqualTo(ToolChoice.NONE);
        assertThat(request.responseFormat()).isEqualTo(ResponseFormat.TEXT);
        assertThat(request.chatRequest().tools()).isNull();
    }

    @Test
    void everyFieldIsReadAsOpenAiMeansIt() {
        ChatCompletionRequest request = parse("""
                "model": "qwen", "messages": [
                  {"role": "developer", "content": "be brief"},
                  {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                  {"role": "assistant", "content": null, "tool_calls": [
                     {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\\"x\\": 1}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "42"}],
                "temperature": 0, "top_p": 0.5, "max_tokens": 10, "max_completion_tokens": 20, "seed": 7,
                "stop": "END", "presence_penalty": 0.5, "frequency_penalty": -0.5, "n": 3,
                "logprobs": true, "top_logprobs": 4, "stream": true, "stream_options": {"include_usage": true},
                "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
                "tool_choice": "required", "chat_template_kwargs": {"enable_thinking": false},
                "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}}
                """);
        assertThat(request.model()).isEqualTo("qwen");
        assertThat(request.messages()).containsExactly(
                new ChatMessage("system", "be brief", List.of(), null, null, null),
                new ChatMessage("user", "a\nb", List.of(), null, null, null),
                new ChatMessage("assistant", null, List.of(new ToolCall("call_1", "f", "{\"x\": 1}")), null, null, null),
                ChatMessage.tool("call_1", "42"));
        GenerationOptions options = request.options();
        assertThat(options.maxTokens()).isEqualTo(20);
        assertThat(options.sampling().temperature()).isZero();
        assertThat(options.sampling().topP()).isEqualTo(0.5f);
        assertThat(options.sampling().presencePenalty()).isEqualTo(0.5f);
        assertThat(options.sampling().frequencyPenalty()).isEqualTo(-0.5f);
        assertThat(options.stop()).containsExactly("END");
        assertThat(options.n()).isEqualTo(3);
        assertThat(options.params(0).sampling().seed()).hasValue(7);
        assertThat(options.params(2).sampling().seed()).hasValue(9);
        assertThat(options.topLogprobs()).isEqualTo(4);
        assertThat(options.stream()).isTrue();
        assertThat(options.includeUsage()).isTrue();
        assertThat(request.toolChoice().mode()).isEqualTo(ToolChoice.Mode.REQUIRED);
        assertThat(request.tools()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("f"));
        assertThat(request.chatRequest().tools()).singleElement()
                .isEqualTo(java.util.Map.of("type", "function", "function", java.util.Map.of("name", "f",
                        "parameters", java.util.Map.of("type", "object"))));
        assertThat(request.chatRequest().variables()).containsEntry("enable_thinking", false);
        assertThat(request.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
        assertThat(request.responseFormat().name()).isEqualTo("answer");
        assertThat(request.responseFormat().strict()).isTrue();
        assertThat(request.responseFormat().schema().get("type").asText()).isEqualTo("object");
    }

    @Test
    void topPZeroIsGreedy() {
        GenerationOptions options = parse(MESSAGES + ", \"top_p\": 0, \"temperature\": 1").options();
        assertThat(options.sampling().temperature()).isZero();
        assertThat(options.sampling().topP()).isEqualTo(1f);
    }

    @Test
    void tooManyMessagesAreRefused() {
        String json = "{\"messages\": [" + "{\"role\": \"user\", \"content\": \"hi\"},".repeat(3) + "{\"role\": \"user\", \"content\": \"hi\"}]}";
        assertThatThrownBy(() -> ChatFields.parse(Fields.parse(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults().withMaxMessages(3)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.param()).isEqualTo("messages");
                    assertThat(e.getMessage()).contains("at most 3");
                });
    }
}
