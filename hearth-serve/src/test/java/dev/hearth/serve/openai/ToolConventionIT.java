package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.template.ChatTemplate;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.http.Json;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/** Each real template's tool-call convention, as the server learns it by rendering a probe call. */
class ToolConventionIT {
    private static ToolConvention of(ChatTemplate template) {
        return ToolConvention.of(ChatPrompt.of(template, FakeEngine.hello("x").tokenizer(), "test"));
    }

    @Test
    void qwen3WritesTaggedCallsAndShowsTheTools() throws IOException {
        JsonNode config = Json.mapper().readTree(Files.readString(TestData.file("qwen3-tokenizer/tokenizer_config.json")));
        ToolConvention convention = of(ChatTemplate.of(config.get("chat_template").asText(), null, "<|im_end|>"));
        assertThat(convention).isEqualTo(new ToolConvention(ToolConvention.Style.TAGGED, true));
        assertThat(convention.forcedPrefill()).isEqualTo("<tool_call>\n");
        assertThat(convention.argumentsKey()).isEqualTo("arguments");
    }

    @Test
    void llama32WritesBareCallsWithParametersAndShowsTheTools() throws IOException {
        String source;
        try (InputStream in = ChatTemplate.class.getResourceAsStream("llama-3.2-instruct.jinja")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ToolConvention convention = of(ChatTemplate.of(source, "<|begin_of_text|>", "<|eot_id|>"));
        assertThat(convention).isEqualTo(new ToolConvention(ToolConvention.Style.LLAMA_JSON, true));
        assertThat(convention.forcedPrefill()).isEmpty();
        assertThat(convention.argumentsKey()).isEqualTo("parameters");
    }

    @Test
    void theBuiltInTemplatesKnowNoToolsSoTheServerDescribesThem() {
        for (String name : ChatTemplates.NAMES) {
            assertThat(of(ChatTemplates.named(name).compile("<s>", "</s>"))).as(name)
                    .isEqualTo(new ToolConvention(ToolConvention.Style.GENERIC, false));
        }
    }
}
