package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.constrain.SchemaValidator;
import dev.hearth.serve.http.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What no client library asks for, over the real engine ({@link RealModels}): a constraint per
 * choice when {@code n} > 1 (sampled, so the choices differ), the token limit cutting JSON off,
 * named and required functions among several, JSON text completions, log-probabilities of
 * constrained tokens.
 */
class ConstrainedOutputIT {
    private static final String SCHEMA = "{\"type\": \"object\", \"properties\": {"
            + "\"colour\": {\"type\": \"string\", \"enum\": [\"red\", \"green\", \"blue\"]},"
            + " \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"boolean\"}, \"maxItems\": 3},"
            + " \"ok\": {\"type\": \"boolean\"}}, \"required\": [\"colour\", \"tags\", \"ok\"], \"additionalProperties\": false}";
    private static final String TOOLS = "[{\"type\": \"function\", \"function\": {\"name\": \"lamp\", \"parameters\":"
            + " {\"type\": \"object\", \"properties\": {\"on\": {\"type\": \"boolean\"}}, \"required\": [\"on\"], \"additionalProperties\": false}}},"
            + " {\"type\": \"function\", \"function\": {\"name\": \"paint\", \"parameters\": " + SCHEMA + "}}]";

    @TempDir
    static Path dir;
    static RealModels models;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        models = RealModels.start(dir);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static HttpResponse<String> send(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(models.baseUrl() + path)).timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = send(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static List<String> problems(String schema, String json) throws IOException {
        return new SchemaValidator(Json.mapper().readTree(schema)).validate(Json.mapper().readTree(json));
    }

    private static String chat(String model, String fields) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Pick a colour.\"}], " + fields + "}";
    }

    @Test
    void eachOfNSampledChoicesFollowsTheSchema() throws Exception {
        JsonNode answer = post("/chat/completions", chat("qwen", "\"n\": 2, \"temperature\": 1.5, \"seed\": 3, \"max_tokens\": 1000,"
                + " \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"pick\", \"schema\": " + SCHEMA + "}}"));
        List<String> contents = new ArrayList<>();
        for (JsonNode choice : answer.get("choices")) {
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            String content = choice.at("/message/content").asText();
            assertThat(problems(SCHEMA, content)).as(content).isEmpty();
            contents.add(content);
        }
        assertThat(contents).hasSize(2).as("sampled choices, each with its own constraint").doesNotHaveDuplicates();
    }

    @Test
    void theTokenLimitCutsJsonOffWithFinishReasonLength() throws Exception {
        JsonNode answer = post("/chat/completions", chat("qwen", "\"max_tokens\": 5, \"temperature\": 0,"
                + " \"response_format\": {\"type\": \"json_object\"}"));
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aNamedFunctionIsTheOneCalled() throws Exception { // LangChain4jIT runs each convention
        for (String model : List.of("llama")) {
            JsonNode named = post("/chat/completions", chat(model, "\"tools\": " + TOOLS + ", \"max_tokens\": 1000, \"temperature\": 0,"
                    + " \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"paint\"}}"));
            JsonNode call = named.at("/choices/0/message/tool_calls/0/function");
            assertThat(call.get("name").asText()).as(model).isEqualTo("paint");
            assertThat(problems(SCHEMA, call.get("arguments").asText())).as(call.toString()).isEmpty();
            assertThat(named.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void requiredCallsOneOfTheToolsInEachChoice() throws Exception {
        JsonNode required = post("/chat/completions", chat("qwen", "\"tools\": " + TOOLS + ", \"max_tokens\": 1000,"
                + " \"temperature\": 1, \"seed\": 5, \"n\": 2, \"tool_choice\": \"required\""));
        for (JsonNode choice : required.get("choices")) {
            assertThat(choice.at("/message/tool_calls")).as(choice.toString()).hasSize(1);
            assertThat(choice.at("/message/tool_calls/0/function/name").asText()).isIn("lamp", "paint");
            assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void aForcedCallStreamsAsOneToolCallsDelta() throws Exception {
        HttpResponse<String> response = send("/chat/completions", chat("qwen", "\"tools\": " + TOOLS
                + ", \"max_tokens\": 1000, \"temperature\": 0, \"stream\": true, \"tool_choice\": {\"type\": \"function\","
                + " \"function\": {\"name\": \"lamp\"}}"));
        List<JsonNode> deltas = new ArrayList<>();
        String finish = null;
        for (String event : response.body().split("\n\n")) {
            if (event.equals("data: [DONE]")) {
                continue;
            }
            JsonNode choice = Json.mapper().readTree(event.substring("data: ".length())).at("/choices/0");
            if (choice.at("/delta").has("tool_calls")) {
                deltas.add(choice.at("/delta/tool_calls/0"));
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertThat(deltas).hasSize(1);
        assertThat(deltas.getFirst().at("/function/name").asText()).isEqualTo("lamp");
        assertThat(Json.mapper().readTree(deltas.getFirst().at("/function/arguments").asText()).get("on").isBoolean()).isTrue();
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void textCompletionsFollowTheSchemaToo() throws Exception {
        JsonNode answer = post("/completions", "{\"model\": \"qwen\", \"prompt\": \"A colour in JSON:\", \"max_tokens\": 1000,"
                + " \"temperature\": 0, \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"pick\","
                + " \"schema\": " + SCHEMA + "}}}");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(problems(SCHEMA, answer.at("/choices/0/text").asText())).isEmpty();
    }

    @Test
    void logprobsOfConstrainedTokensAreOnlyAmongTheAllowed() throws Exception {
        JsonNode answer = post("/chat/completions", chat("qwen", "\"max_tokens\": 1000, \"temperature\": 0, \"logprobs\": true,"
                + " \"top_logprobs\": 3, \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"pick\","
                + " \"schema\": " + SCHEMA + "}}"));
        assertThat(problems(SCHEMA, answer.at("/choices/0/message/content").asText())).isEmpty();
        JsonNode content = answer.at("/choices/0/logprobs/content");
        assertThat(content).isNotEmpty();
        // a forced token (the rest of "colour", say) has every other token masked: its probability is 1
        assertThat(content).anySatisfy(token -> assertThat(token.get("logprob").asDouble()).isEqualTo(0.0));
        JsonNode plain = post("/chat/completions", chat("qwen", "\"max_tokens\": 3, \"logprobs\": true,"
                + " \"response_format\": {\"type\": \"json_object\"}"));
        assertThat(plain.at("/choices/0/logprobs/content")).hasSize(3);
    }
}
