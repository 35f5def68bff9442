package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Meta's Llama 3.2 instruct template (the 3.1 one without built-in tools), a stress test for
 * {@code strftime_now}, {@code tojson(indent=4)}, {@code not x is defined}, {@code messages[1:]}
 * and {@code raise_exception}. Expected text is what Hugging Face's {@code apply_chat_template}
 * produces.
 */
class Llama32ChatTemplateTest {
    private static final String SOURCE = resource("llama-3.2-instruct.jinja");
    private static final Clock MARCH_7_2025 = Clock.fixed(Instant.parse("2025-03-07T10:15:30Z"), ZoneOffset.UTC);
    private final ChatTemplate llama = new JinjavaChatTemplate(SOURCE, "<|begin_of_text|>", "<|eot_id|>", MARCH_7_2025);

    @Test
    void rendersTrimmedSystemMessageWithGivenDate() {
        ChatRequest request = ChatRequest.of(List.of(
                        ChatMessage.system("  You are a helpful assistant.\n"), ChatMessage.user("Hello!")))
                .withVariable("date_string", "26 Jul 2024");

        assertThat(llama.render(request)).isEqualTo("""
                <|begin_of_text|><|start_header_id|>system<|end_header_id|>

                Cutting Knowledge Date: December 2023
                Today Date: 26 Jul 2024

                You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>

                Hello!<|eot_id|><|start_header_id|>assistant<|end_header_id|>

                """);
    }

    @Test
    void printsTodayWithStrftimeNowWhenNoDateIsGiven() {
        assertThat(llama.render(ChatRequest.of(List.of(ChatMessage.user("Hello!"))))).isEqualTo("""
                <|begin_of_text|><|start_header_id|>system<|end_header_id|>

                Cutting Knowledge Date: December 2023
                Today Date: 07 Mar 2025

                <|eot_id|><|start_header_id|>user<|end_header_id|>

                Hello!<|eot_id|><|start_header_id|>assistant<|end_header_id|>

                """);
    }

    @Test
    void putsToolsInFirstUserMessageAndRendersCallAndResult() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> weather = new ObjectMapper().readValue("""
                {"type": "function", "function": {"name": "get_weather",
                 "description": "Get the current weather in a city",
                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                  "required": ["city"]}}}""", Map.class);
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant(null, List.of(new ToolCall("c1", "get_weather", "{\"city\": \"Paris\"}"))),
                ChatMessage.tool("c1", "{\"temp\": 18}"));
        ChatRequest request = ChatRequest.of(conversation)
                .withTools(List.of(weather))
                .withVariable("date_string", "26 Jul 2024");

        // the tool result is a string, which jinja2 counts as iterable, so tojson quotes it
        assertThat(llama.render(request)).isEqualTo("""
                <|begin_of_text|><|start_header_id|>system<|end_header_id|>

                Environment: ipython
                Cutting Knowledge Date: December 2023
                Today Date: 26 Jul 2024

                <|eot_id|><|start_header_id|>user<|end_header_id|>

                Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.

                Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "description": "Get the current weather in a city",
                        "parameters": {
                            "type": "object",
                            "properties": {
                                "city": {
                                    "type": "string"
                                }
                            },
                            "required": [
                                "city"
                            ]
                        }
                    }
                }

                Weather in Paris?<|eot_id|><|start_header_id|>assistant<|end_header_id|>

                {"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>

                "{\\"temp\\": 18}"<|eot_id|><|start_header_id|>assistant<|end_header_id|>

                """);
    }

    @Test
    void rejectsTwoToolCallsInOneTurnWithTheTemplatesMessage() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris and Rome?"),
                ChatMessage.assistant(null, List.of(
                        new ToolCall("c1", "get_weather", "{\"city\": \"Paris\"}"),
                        new ToolCall("c2", "get_weather", "{\"city\": \"Rome\"}"))));

        assertThatThrownBy(() -> llama.render(ChatRequest.of(conversation)))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.problem()).isEqualTo("This model only supports single tool-calls at once!");
                    assertThat(e.line()).isEqualTo(72);
                });
    }

    private static String resource(String name) {
        try (InputStream in = Llama32ChatTemplateTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
