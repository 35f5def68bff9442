package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class MessageBuilderTest {

    private static ChatCompletionChunk.Delta call(int index, String id, String name, String arguments) {
        return new ChatCompletionChunk.Delta(null, null, List.of(new ChatCompletionChunk.ToolCallDelta(index, id,
                id == null ? null : "function", new ChatCompletion.Function(name, arguments))), null);
    }

    @Test
    void streamedToolCallFragmentsMergeIntoWholeCallsAndContentStaysNull() {
        MessageBuilder message = new MessageBuilder();
        message.add(List.of(call(0, "call_a", "get_weather", ""), call(0, null, null, "{\"city\": "),
                call(1, "call_b", "get_time", "{}"), call(0, null, null, "\"Oslo\"}")));
        assertThat(message.calledTools()).isTrue();
        ChatCompletion.Message built = message.build();
        assertThat(built.content()).isNull();
        assertThat(built.toolCalls()).containsExactly(
                new ChatCompletion.ToolCall("call_a", "function", new ChatCompletion.Function("get_weather", "{\"city\": \"Oslo\"}")),
                new ChatCompletion.ToolCall("call_b", "function", new ChatCompletion.Function("get_time", "{}")));
    }

    @Test
    void textAndReasoningAreConcatenated() {
        MessageBuilder message = new MessageBuilder();
        message.add(List.of(new ChatCompletionChunk.Delta(null, null, null, "think "), new ChatCompletionChunk.Delta(null, null, null, "hard"),
                ChatCompletionChunk.Delta.content("Hel"), ChatCompletionChunk.Delta.content("lo")));
        assertThat(message.build()).isEqualTo(new ChatCompletion.Message("assistant", "Hello", null, "think hard"));
        assertThat(new MessageBuilder().build().content()).isEmpty();
    }
}
