package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.model.template.ToolCall;
import dev.hearth.serve.http.Json;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Tools put in words for templates that do not know them. */
class ToolPromptTest {
    private static final Tool WEATHER;

    static {
        try {
            WEATHER = new Tool("get_weather", "Today's weather", Json.mapper().readTree(
                    "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}"), false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theToolsAreDescribedAfterTheSystemMessageOrInANewOne() {
        ChatRequest withSystem = ToolPrompt.describe(ChatRequest.of(List.of(ChatMessage.system("Be brief."),
                ChatMessage.user("Weather in Paris?"))), List.of(WEATHER));
        assertThat(withSystem.messages()).hasSize(2);
        assertThat(withSystem.messages().getFirst().content()).startsWith("Be brief.\n\nYou can call these functions")
                .contains("{\"name\":\"get_weather\",\"description\":\"Today's weather\",\"parameters\":{\"type\":\"object\","
                        + "\"properties\":{\"city\":{\"type\":\"string\"}}}}")
                .contains("{\"name\": \"<function name>\", \"arguments\": {<its arguments>}}");

        ChatRequest without = ToolPrompt.describe(ChatRequest.of(List.of(ChatMessage.user("Hi"))), List.of(WEATHER));
        assertThat(without.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
    }

    @Test
    void earlierCallsBecomeTheJsonAskedForAndResultsBecomeOneUserTurnSoLlama2sTemplateTakesThem() {
        ChatRequest request = ChatRequest.of(List.of(ChatMessage.user("Weather in Paris and Rome?"),
                ChatMessage.assistant(null, List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"),
                        new ToolCall("call_2", "get_weather", "{\"city\": \"Rome\"}"))),
                new ChatMessage("tool", "sunny", List.of(), "call_1", "get_weather", null),
                ChatMessage.tool("call_2", "rainy")));
        ChatRequest described = ToolPrompt.describe(request, List.of());
        assertThat(described.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant", "user");
        assertThat(described.messages().get(1).content()).isEqualTo(
                "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Rome\"}}");
        assertThat(described.messages().get(1).toolCalls()).isEmpty();
        assertThat(described.messages().get(2).content()).isEqualTo(
                "The function get_weather returned:\nsunny\n\nThe function call call_2 returned:\nrainy");

        String rendered = ChatTemplates.named("llama2").compile("<s>", "</s>").render(described);
        assertThat(rendered).contains("[INST] The function get_weather returned:");
    }
}
