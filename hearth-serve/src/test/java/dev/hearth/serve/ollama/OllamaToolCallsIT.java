package dev.hearth.serve.ollama;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/chat} with {@code tools}: a call the model writes in its convention (here a tagged
 * {@code <tool_call>} block, which the generic convention of a template without tools reads) comes
 * back as {@code message.tool_calls} with the arguments as an object, streamed and not; without
 * tools on offer the same answer is plain content.
 */
class OllamaToolCallsIT {
    private static final List<String> REPLY = List.of("Let me check.", "\n<tool_call>\n{\"name\": \"get_weather\", ",
            "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call>");
    private static final String TOOLS = ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}]";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Weather in Paris?\"}]";

    @TempDir
    Path dir;
    ModelRegistry registry;
    HearthServer server;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path file = Files.write(dir.resolve("tools.gguf"), new byte[16]);
        FakeEngine engine = new FakeEngine("tools", REPLY, 4096, 0, 1000);
        registry = ModelRegistry.create(List.of(new ModelSource("tools", file)),
                new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(1000), Duration.ofMinutes(5), 1L << 30),
                (path, options) -> engine);
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry, List.of(OllamaApi.create("test")),
                line -> { }).start();
    }

    @AfterEach
    void stop() {
        server.stop();
        registry.close();
        client.close();
    }

    @Test
    void aWholeAnswerCarriesTheCallAsToolCalls() throws Exception {
        JsonNode answer = Json.mapper().readTree(post("{\"model\": \"tools\", " + MESSAGES + TOOLS + ", \"stream\": false}"));
        assertThat(answer.at("/message/content").asText().strip()).isEqualTo("Let me check.");
        assertThat(answer.at("/message/tool_calls")).hasSize(1);
        assertThat(answer.at("/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(answer.at("/message/tool_calls/0/function/arguments/city").asText()).isEqualTo("Paris");
        assertThat(answer.at("/done").asBoolean()).isTrue();
    }

    @Test
    void aStreamSendsTheContentThenTheCallInALineOfItsOwn() throws Exception {
        StringBuilder content = new StringBuilder();
        List<JsonNode> calls = new ArrayList<>();
        for (String line : post("{\"model\": \"tools\", " + MESSAGES + TOOLS + "}").split("\n")) {
            JsonNode chunk = Json.mapper().readTree(line);
            content.append(chunk.at("/message/content").asText());
            chunk.at("/message/tool_calls").forEach(calls::add);
        }
        assertThat(content.toString().strip()).isEqualTo("Let me check.");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(calls.getFirst().at("/function/arguments/city").asText()).isEqualTo("Paris");
    }

    @Test
    void withoutToolsOnOfferTheSameAnswerIsContent() throws Exception {
        JsonNode answer = Json.mapper().readTree(post("{\"model\": \"tools\", " + MESSAGES + ", \"stream\": false}"));
        assertThat(answer.at("/message/content").asText()).isEqualTo(String.join("", REPLY));
        assertThat(answer.at("/message/tool_calls").isMissingNode()).isTrue();
    }

    private String post(String json) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/chat"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
