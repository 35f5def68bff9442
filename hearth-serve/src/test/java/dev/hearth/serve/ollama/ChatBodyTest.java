package dev.hearth.serve.ollama;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChatBodyTest {
    private static final Limits LIMITS = Limits.defaults().withMaxMessages(3);

    static ChatBody parse(String json) {
        return ChatBody.parse(Fields.parse(json.getBytes(StandardCharsets.UTF_8)), LIMITS);
    }

    @Test
    void readsAConversationWithToolCallsAndResults() {
        ChatBody body = parse("""
                {"model": "qwen:latest", "messages": [
                  {"role": "User", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": "", "tool_calls": [
                    {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                  {"role": "tool", "content": "18C", "tool_name": "get_weather"}],
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]}""");
        assertThat(body.settings().model()).isEqualTo("qwen:latest");
        assertThat(body.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant", "tool");
        assertThat(body.messages().get(1).toolCalls()).containsExactly(new ToolCall(null, "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(body.messages().get(2).name()).isEqualTo("get_weather");
        assertThat(body.tools()).hasSize(1);
        assertThat(body.tools().getFirst().get("function")).isInstanceOf(Map.class);
        assertThat(body.chatRequest().tools()).isEqualTo(body.tools());
        assertThat(body.chatRequest().addGenerationPrompt()).isTrue();
    }

    @Test
    void streamsByDefaultAndReadsFormatAndThink() {
        ChatBody body = parse("{\"model\": \"m\", \"messages\": [], \"format\": \"json\", \"think\": false, \"keep_alive\": \"5m\"}");
        assertThat(body.settings().stream()).isTrue();
        assertThat(body.settings().format().kind()).isEqualTo(ResponseFormat.Kind.JSON);
        assertThat(body.chatRequest().variables()).containsEntry("enable_thinking", false);
        assertThat(body.messages()).isEmpty();
        assertThat(body.tools()).isNull();
    }

    @Test
    void aSchemaFormatIsKept() {
        ChatBody body = parse("{\"model\": \"m\", \"format\": {\"type\": \"object\"}, \"stream\": false, \"keep_alive\": 0}");
        assertThat(body.settings().format().kind()).isEqualTo(ResponseFormat.Kind.SCHEMA);
        assertThat(body.settings().format().grammar()).isNotNull();
        assertThat(body.settings().stream()).isFalse();
    }

    @Test
    void aSchemaOutsideTheSupportedSubsetIsA400NamingItsKeyword() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(
                "{\"model\": \"m\", \"format\": {\"type\": \"object\", \"properties\": {\"zip\": {\"type\": \"string\", \"pattern\": \"[0-9]+\"}}}}"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("format");
        assertThat(e.getMessage()).contains("/properties/zip/pattern");
    }

    @Test
    void withoutThinkTheTemplateGetsNoThinkingVariable() {
        assertThat(parse("{\"model\": \"m\"}").chatRequest().variables()).doesNotContainKey("enable_thinking");
        assertThat(parse("{\"model\": \"m\", \"think\": \"high\"}").chatRequest().variables())
                .containsEntry("enable_thinking", true);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                                  | model",
            "{\"model\": 5}                                                      | model",
            "{\"model\": \"m\", \"messages\": {}}                                 | messages",
            "{\"model\": \"m\", \"messages\": [1]}                                | messages[0]",
            "{\"model\": \"m\", \"messages\": [{\"content\": \"hi\"}]}            | messages[0].role",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": 1}]} | messages[0].content",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}, {\"role\": \"user\", \"images\": [\"iVBOR\"]}]} | messages[1].images",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{}]}]} | messages[0].tool_calls[0].function",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"arguments\": {}}}]}]} | messages[0].tool_calls[0].function.name",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}]} | messages[0].tool_calls[0].function.arguments",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}, {\"role\": \"user\"}, {\"role\": \"user\"}, {\"role\": \"user\"}]} | messages",
            "{\"model\": \"m\", \"tools\": [{\"type\": \"function\"}]}            | tools[0].function",
            "{\"model\": \"m\", \"tools\": [{\"type\": \"retrieval\", \"function\": {\"name\": \"f\"}}]} | tools[0].type",
            "{\"model\": \"m\", \"tools\": [{\"function\": {\"description\": \"d\"}}]} | tools[0].function.name",
            "{\"model\": \"m\", \"format\": \"yaml\"}                             | format",
            "{\"model\": \"m\", \"format\": 1}                                    | format",
            "{\"model\": \"m\", \"stream\": \"yes\"}                              | stream",
            "{\"model\": \"m\", \"keep_alive\": {}}                               | keep_alive",
            "{\"model\": \"m\", \"think\": \"extreme\"}                           | think",
            "{\"model\": \"m\", \"options\": {\"top_k\": -1}}                     | options.top_k",
    })
    void aBadFieldIsA400NamingIt(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(json));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(field);
        assertThat(e.getMessage()).contains(field);
    }

    @Test
    void imagesAreRefusedAsUnsupportedNotMalformed() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"?\", \"images\": [\"iVBOR\"]}]}"));
        assertThat(e.getMessage()).contains("not supported");
    }

    @Test
    void anEmptyImageListIsFine() {
        assertThat(parse("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"images\": []}]}")
                .messages()).extracting(ChatMessage::content).isEqualTo(List.of("hi"));
    }
}
