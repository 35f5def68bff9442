package dev.hearth.serve.ollama;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GenerateBodyTest {

    static GenerateBody parse(String json) {
        return GenerateBody.parse(Fields.parse(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults());
    }

    @Test
    void thePromptIsOneUserTurnAfterTheSystemMessage() {
        GenerateBody body = parse("{\"model\": \"m\", \"prompt\": \"Why is the sky blue?\", \"system\": \"Be brief.\"}");
        assertThat(body.raw()).isFalse();
        assertThat(body.chatRequest().messages()).extracting(ChatMessage::role, ChatMessage::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("system", "Be brief."),
                        org.assertj.core.groups.Tuple.tuple("user", "Why is the sky blue?"));
        assertThat(body.chatRequest().addGenerationPrompt()).isTrue();
        assertThat(body.settings().stream()).isTrue();
    }

    @Test
    void readsRawAndContext() {
        GenerateBody raw = parse("{\"model\": \"m\", \"prompt\": \"[INST] hi [/INST]\", \"raw\": true}");
        assertThat(raw.raw()).isTrue();
        assertThat(raw.context()).isEmpty();
        GenerateBody withContext = parse("{\"model\": \"m\", \"prompt\": \"and then?\", \"context\": [1, 2, 3]}");
        assertThat(withContext.context()).containsExactly(1, 2, 3);
    }

    @Test
    void noPromptMeansLoadTheModel() {
        assertThat(parse("{\"model\": \"m\"}").prompt()).isEmpty();
    }

    @Test
    void emptyOverridesAreNoOverrides() {
        GenerateBody body = parse("{\"model\": \"m\", \"prompt\": \"p\", \"template\": \"\", \"suffix\": \"\", \"system\": \"\", \"images\": []}");
        assertThat(body.system()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\": \"p\"}                                                 | model",
            "{\"model\": \"m\", \"prompt\": 1}                                   | prompt",
            "{\"model\": \"m\", \"system\": []}                                  | system",
            "{\"model\": \"m\", \"raw\": \"true\"}                               | raw",
            "{\"model\": \"m\", \"template\": \"{{ .Prompt }}\"}                 | template",
            "{\"model\": \"m\", \"suffix\": \"return x\"}                        | suffix",
            "{\"model\": \"m\", \"images\": [\"iVBOR\"]}                         | images",
            "{\"model\": \"m\", \"context\": \"1 2\"}                            | context",
            "{\"model\": \"m\", \"context\": [1, \"2\"]}                         | context[1]",
            "{\"model\": \"m\", \"context\": [-1]}                               | context[0]",
            "{\"model\": \"m\", \"context\": [1.5]}                              | context[0]",
            "{\"model\": \"m\", \"prompt\": \"p\", \"raw\": true, \"system\": \"s\"} | raw",
            "{\"model\": \"m\", \"prompt\": \"p\", \"raw\": true, \"context\": [1]} | raw",
            "{\"model\": \"m\", \"format\": [\"json\"]}                          | format",
            "{\"model\": \"m\", \"options\": {\"temperature\": -0.1}}            | options.temperature",
    })
    void aBadFieldIsA400NamingIt(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(json));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(field);
    }
}
