package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.http.ServerFixture;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code response_format}, {@code tools} and {@code tool_choice} over a fake engine whose answer is
 * a call in the generic convention (its template, ChatML, knows no tools): what reaches the
 * engine (constraints, the tools in words) and what the client gets (calls, in OpenAI's shape).
 * Real constrained output is {@link LangChain4jIT}'s.
 */
class ToolsAndFormatsApiTest {
    private static final String WEATHER_TOOL = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"description\": \"The weather in a city\", \"parameters\": {\"type\": \"object\","
            + " \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}";
    private static final String ASK = "\"model\": \"caller\", \"messages\": [{\"role\": \"user\", \"content\": \"Paris?\"}],"
            + " \"tools\": [" + WEATHER_TOOL + "]";

    @TempDir
    Path dir;
    private ServerFixture fixture;
    private FakeEngine caller;

    @BeforeEach
    void start() throws IOException {
        caller = new FakeEngine("caller", List.of("{\"name\": \"get_weather\", ", "\"arguments\": {\"city\": ", "\"Paris\"}}"),
                4096, 0, 1000);
        fixture = new ServerFixture(dir, ServerConfig.defaults(), Map.of("caller", caller));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private JsonNode post(String path, String fields, int expectedStatus) throws IOException {
        HttpResponse<String> response = fixture.post(path, "{" + fields + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return Json.mapper().readTree(response.body());
    }

    private String prompt(CompletionRequest request) {
        return caller.tokenizer().decode(request.prompt(), true);
    }

    @Test
    void aCallInTheAnswerComesAsToolCallsWithFinishReasonToolCalls() throws IOException {
        JsonNode answer = post("/v1/chat/completions", ASK, 200);
        JsonNode message = answer.at("/choices/0/message");
        assertThat(message.hasNonNull("content")).as(message.toString()).isFalse();
        JsonNode call = message.at("/tool_calls/0");
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(Json.mapper().readTree(call.at("/function/arguments").asText()))
                .isEqualTo(Json.mapper().readTree("{\"city\": \"Paris\"}"));
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(prompt(caller.submitted.getFirst())).as("ChatML knows no tools: the server describes them")
                .contains("You can call these functions").contains("\"name\":\"get_weather\"");
        assertThat(caller.submitted.getFirst().constraint()).as("auto forces nothing").isNull();
    }

    @Test
    void aStreamedCallIsOneToolCallsDeltaThenTheEnd() throws IOException {
        HttpResponse<String> response = fixture.post("/v1/chat/completions", "{" + ASK + ", \"stream\": true}");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            if (!event.equals("data: [DONE]")) {
                chunks.add(Json.mapper().readTree(event.substring("data: ".length())));
            }
        }
        List<JsonNode> calls = chunks.stream().filter(c -> c.at("/choices/0/delta").has("tool_calls")).toList();
        assertThat(calls).hasSize(1);
        JsonNode delta = calls.getFirst().at("/choices/0/delta/tool_calls/0");
        assertThat(delta.get("index").asInt()).isZero();
        assertThat(delta.get("id").asText()).startsWith("call_");
        assertThat(delta.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(delta.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks.stream().filter(c -> !c.at("/choices/0/delta/content").asText("").isEmpty())).isEmpty();
    }

    @Test
    void requiredAndANamedFunctionConstrainEachChoiceAfresh() throws IOException {
        for (String choice : List.of("\"required\"", "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}")) {
            caller.submitted.clear();
            JsonNode answer = post("/v1/chat/completions", ASK + ", \"tool_choice\": " + choice + ", \"n\": 2", 200);
            assertThat(answer.get("choices")).allSatisfy(c -> assertThat(c.get("finish_reason").asText()).isEqualTo("tool_calls"));
            assertThat(caller.submitted).hasSize(2);
            assertThat(caller.submitted.get(0).constraint()).isNotNull();
            assertThat(caller.submitted.get(1).constraint()).isNotNull().isNotSameAs(caller.submitted.get(0).constraint());
        }
    }

    @Test
    void toolChoiceNoneNeitherOffersNorReadsCalls() throws IOException {
        JsonNode answer = post("/v1/chat/completions", ASK + ", \"tool_choice\": \"none\"", 200);
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}");
        assertThat(answer.at("/choices/0/message").has("tool_calls")).isFalse();
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(prompt(caller.submitted.getFirst())).doesNotContain("get_weather");
    }

    @Test
    void aToolConversationReachesTheTemplateAsWords() throws IOException {
        post("/v1/chat/completions", "\"model\": \"caller\", \"tools\": [" + WEATHER_TOOL + "], \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Paris?\"},"
                + "{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\","
                + " \"function\": {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
                + "{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"sunny, 24 C\"}]", 200);
        String prompt = prompt(caller.submitted.getFirst());
        assertThat(prompt).contains("assistant\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}<|im_end|>")
                .contains("user\nThe function call call_1 returned:\nsunny, 24 C<|im_end|>");
    }

    @Test
    void responseFormatsConstrainEveryChoiceOfChatAndTextCompletions() throws IOException {
        String schema = "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"city\", \"strict\": true, \"schema\":"
                + " {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}";
        for (String format : List.of("{\"type\": \"json_object\"}", schema)) {
            caller.submitted.clear();
            post("/v1/chat/completions", "\"model\": \"caller\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                    + " \"response_format\": " + format + ", \"n\": 2", 200);
            assertThat(caller.submitted).extracting(CompletionRequest::constraint).doesNotContainNull();
            assertThat(caller.submitted.get(0).constraint()).isNotSameAs(caller.submitted.get(1).constraint());
            caller.submitted.clear();
            post("/v1/completions", "\"model\": \"caller\", \"prompt\": \"x\", \"response_format\": " + format, 200);
            assertThat(caller.submitted.getFirst().constraint()).isNotNull();
        }
        caller.submitted.clear();
        post("/v1/chat/completions", "\"model\": \"caller\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"response_format\": {\"type\": \"text\"}", 200);
        assertThat(caller.submitted.getFirst().constraint()).isNull();
    }

    @Test
    void schemasThatCannotBeEnforcedAre400NamingWhere() throws IOException {
        JsonNode format = post("/v1/chat/completions", "\"model\": \"caller\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"z\", \"schema\":"
                + " {\"type\": \"object\", \"properties\": {\"zip\": {\"type\": \"string\", \"pattern\": \"[0-9]{5}\"}}}}}", 400);
        assertThat(format.at("/error/param").asText()).isEqualTo("response_format.json_schema.schema");
        assertThat(format.at("/error/message").asText()).contains("/properties/zip/pattern");
        JsonNode early = post("/v1/chat/completions", "\"model\": \"nope\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"z\", \"schema\": {\"not\": {}}}}", 400);
        assertThat(early.at("/error/param").asText()).as("before the model is looked up").isEqualTo("response_format.json_schema.schema");
        JsonNode text = post("/v1/completions", "\"model\": \"caller\", \"prompt\": \"x\", \"response_format\":"
                + " {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"z\", \"schema\": {\"not\": {}}}}", 400);
        assertThat(text.at("/error/param").asText()).isEqualTo("response_format.json_schema.schema");
        JsonNode tool = post("/v1/chat/completions", "\"model\": \"caller\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"tool_choice\": \"required\", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\","
                + " \"parameters\": {\"type\": \"object\", \"patternProperties\": {\"^x\": {}}}}}]", 400);
        assertThat(tool.at("/error/param").asText()).isEqualTo("tools[0].function.parameters");
        assertThat(caller.submitted).isEmpty();
    }
}
