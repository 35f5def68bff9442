package dev.hearth.serve.ollama;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the Ollama API behaves around a completion, over a scripted engine whose timing the test
 * controls: a client that goes away, an overloaded engine, API keys, a server that shuts down
 * mid-answer.
 */
class OllamaServingIT {
    private static final String CHAT = "{\"model\": \"slow\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    @TempDir
    Path dir;
    FakeEngine engine = new FakeEngine("slow", Collections.nCopies(100, " word"), 256, 0, 1000)
            .withTokenDelay(Duration.ofMillis(20));
    ModelRegistry registry;
    HearthServer server;
    final HttpClient client = HttpClient.newHttpClient();

    void start(ServerConfig config) throws IOException {
        Path file = Files.write(dir.resolve("slow.gguf"), new byte[16]);
        registry = ModelRegistry.create(List.of(new ModelSource("slow", file)),
                new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(1000), Duration.ofMinutes(5), 1L << 30),
                (path, options) -> engine);
        server = HearthServer.create(config.withPort(0).withShutdownTimeout(Duration.ofMillis(100)), registry,
                List.of(OllamaApi.create("test")), line -> { }).start();
    }

    @AfterEach
    void stop() {
        server.stop();
        registry.close();
        client.close();
    }

    @Test
    void aClientThatGoesAwayMidStreamHasItsGenerationCancelled() throws Exception {
        start(ServerConfig.defaults());
        HttpResponse<InputStream> response = client.send(request("/api/chat", CHAT + "}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            String first = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)).readLine();
            assertThat(Json.mapper().readTree(first).at("/message/content").asText()).isEqualTo(" word");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (engine.cancelledCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(engine.cancelledCount()).as("the completion was cancelled").isEqualTo(1);
        assertThat(engine.runningCount()).isZero();
    }

    @Test
    void anOverloadedEngineIsA503WithRetryAfter() throws Exception {
        start(ServerConfig.defaults());
        engine.overloaded(true);
        HttpResponse<String> response = send(request("/api/generate", "{\"model\": \"slow\", \"prompt\": \"hi\"}"));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(Json.mapper().readTree(response.body()).get("error").asText()).contains("overloaded");
    }

    @Test
    void aMissingKeyIsA401InOllamasShape() throws Exception {
        String key = "sk-ollama-test";
        start(ServerConfig.defaults().withApiKeys(ApiKeys.load(Files.writeString(dir.resolve("keys"), ApiKeys.hash(key)))));
        HttpResponse<String> refused = send(request("/api/tags", null));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        JsonNode error = Json.mapper().readTree(refused.body());
        assertThat(error.properties()).hasSize(1);
        assertThat(error.get("error").asText()).contains("API key");
        assertThat(send(request("/api/version", null).header("Authorization", "Bearer " + key)).statusCode()).isEqualTo(200);
    }

    @Test
    void aStopStringAndAnEndOfTurnAreBothAStop() throws Exception {
        start(ServerConfig.defaults());
        engine.withTokenDelay(Duration.ZERO);
        JsonNode whole = Json.mapper().readTree(send(request("/api/chat", CHAT + ", \"stream\": false}")).body());
        assertThat(whole.get("done_reason").asText()).isEqualTo("stop");
        assertThat(whole.at("/message/content").asText()).isEqualTo(" word".repeat(100));
        JsonNode limited = Json.mapper().readTree(send(request("/api/chat",
                CHAT + ", \"stream\": false, \"options\": {\"num_predict\": 3}}")).body());
        assertThat(limited.get("done_reason").asText()).isEqualTo("length");
        assertThat(engine.submitted.getLast().params().maxTokens()).isEqualTo(3);
    }

    @Test
    void aStreamCutShortByShutdownEndsWithAnErrorLine() throws Exception {
        start(ServerConfig.defaults());
        HttpResponse<InputStream> response = client.send(request("/api/generate", "{\"model\": \"slow\", \"prompt\": \"hi\"}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).contains("\"done\":false");
            Thread.ofVirtual().start(server::stop);
            String last = null;
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    last = line;
                }
            } catch (IOException cutAfterTheLastLine) {
                // the server may close the connection before the stream's final empty chunk; the lines came whole
            }
            JsonNode end = Json.mapper().readTree(last);
            assertThat(end.get("error").asText()).contains("shut down");
        }
    }

    private HttpRequest.Builder request(String path, String json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
        return json == null ? builder.GET()
                : builder.POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
