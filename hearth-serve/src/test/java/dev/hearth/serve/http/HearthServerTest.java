package dev.hearth.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.engine.FakeEngine;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server does for every API: keys, errors, limits, health, metrics, the request log, shutdown. */
class HearthServerTest {
    private static final String KEY = "sk-test-0123456789";
    private static final String CHAT = "{\"model\": \"hello\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @TempDir
    Path dir;

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private ServerFixture withKeys() throws IOException {
        ApiKeys keys = ApiKeys.load(java.nio.file.Files.writeString(dir.resolve("keys"), ApiKeys.hash(KEY) + "\n"));
        return new ServerFixture(dir, ServerConfig.defaults().withApiKeys(keys), Map.of("hello", FakeEngine.hello("hello")));
    }

    @Test
    void everyRouteButHealthNeedsAValidKey() throws IOException {
        try (ServerFixture fixture = withKeys()) {
            HttpResponse<String> health = fixture.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

            HttpResponse<String> missing = fixture.post("/v1/chat/completions", CHAT);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(json(missing).at("/error/code").asText()).isEqualTo("missing_api_key");
            assertThat(json(missing).at("/error/type").asText()).isEqualTo("invalid_request_error");

            HttpResponse<String> wrong = fixture.withKey("sk-wrong").get("/v1/models");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(json(wrong).at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(fixture.get("/metrics").statusCode()).isEqualTo(401);

            fixture.withKey(KEY);
            assertThat(fixture.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            assertThat(fixture.get("/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theRequestLogHasMethodPathStatusAndTimeButNoKeyBodyOrQuery() throws IOException {
        try (ServerFixture fixture = withKeys()) {
            fixture.withKey(KEY).post("/v1/chat/completions?secret=q", CHAT);
            fixture.withKey("sk-wrong-key-xyz").get("/v1/models");
            assertThat(fixture.log).hasSize(2);
            assertThat(fixture.log.get(0)).matches("POST /v1/chat/completions 200 \\d+ms");
            assertThat(fixture.log.get(1)).matches("GET /v1/models 401 \\d+ms");
            assertThat(String.join("\n", fixture.log)).doesNotContain(KEY).doesNotContain("sk-wrong-key-xyz")
                    .doesNotContain("secret").doesNotContain("hi\"");
        }
    }

    @Test
    void unknownRoutesAndOversizedBodiesGetErrorsInOpenAisShape() throws IOException {
        ServerConfig small = ServerConfig.defaults().withLimits(Limits.defaults().withMaxBodyBytes(200));
        try (ServerFixture fixture = new ServerFixture(dir, small, Map.of("hello", FakeEngine.hello("hello")))) {
            HttpResponse<String> unknown = fixture.post("/v1/nothing", "{}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json(unknown).at("/error/message").asText()).isEqualTo("there is no route POST /v1/nothing");

            String big = "{\"model\": \"hello\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(300) + "\"}]}";
            HttpResponse<String> tooLarge = fixture.post("/v1/chat/completions", big);
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(json(tooLarge).at("/error/message").asText()).contains("limit of 200 bytes");
        }
    }

    @Test
    void metricsCountRequestsTokensLatenciesAndTheEnginesGauges() throws IOException {
        try (ServerFixture fixture = ServerFixture.hello(dir)) {
            fixture.post("/v1/chat/completions", CHAT);
            fixture.get("/v1/nowhere");
            HttpResponse<String> metrics = fixture.get("/metrics");
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body())
                    .contains("# TYPE hearth_http_requests_total counter\n")
                    .contains("hearth_http_requests_total{method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"} 1\n")
                    .contains("hearth_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n")
                    .contains("hearth_generated_tokens_total{model=\"hello\"} 3\n")
                    .contains("# TYPE hearth_time_to_first_token_seconds histogram\n")
                    .contains("hearth_time_to_first_token_seconds_count{model=\"hello\"} 1\n")
                    .contains("hearth_inter_token_latency_seconds_count{model=\"hello\"} 2\n")
                    .contains("hearth_model_loaded{model=\"hello\"} 1\n")
                    .contains("hearth_kv_blocks_used{model=\"hello\"} 3\n")
                    .contains("hearth_kv_blocks_free{model=\"hello\"} 7\n")
                    .contains("hearth_prefix_cache_hits_total{model=\"hello\"} 7\n")
                    .containsPattern("hearth_prompt_tokens_total\\{model=\"hello\"} [1-9]\\d*\n")
                    .contains("hearth_queue_depth{model=\"hello\"} 0\n");
            for (String line : metrics.body().split("\n")) {
                assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*})? [-+0-9.eE]+|[a-z_]+(\\{[^}]*})? \\+Inf");
            }
        }
    }

    @Test
    void stopLetsARunningStreamFinishThenRefusesConnections() throws Exception {
        FakeEngine slow = FakeEngine.hello("hello").withTokenDelay(Duration.ofMillis(150));
        try (ServerFixture fixture = new ServerFixture(dir, ServerConfig.defaults(), Map.of("hello", slow))) {
            HttpRequest request = fixture.request("/v1/chat/completions")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("}]}", "}], \"stream\": true}"))).build();
            CompletableFuture<HttpResponse<String>> streaming = fixture.client().sendAsync(request, HttpResponse.BodyHandlers.ofString());
            while (slow.runningCount() == 0) {
                Thread.sleep(5);
            }
            fixture.server.stop();
            HttpResponse<String> response = streaming.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
            assertThat(slow.cancelledCount()).isZero();
            assertThat(fixture.client().sendAsync(fixture.request("/health").GET().build(), HttpResponse.BodyHandlers.ofString()))
                    .failsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void stopCancelsWhatRunsPastTheDeadlineAndTheStreamSaysSo() throws Exception {
        FakeEngine endless = new FakeEngine("hello", Collections.nCopies(1000, "la"), 256, 0, 1000)
                .withTokenDelay(Duration.ofMillis(20));
        ServerConfig quick = ServerConfig.defaults().withShutdownTimeout(Duration.ofMillis(200));
        try (ServerFixture fixture = new ServerFixture(dir, quick, Map.of("hello", endless))) {
            HttpRequest request = fixture.request("/v1/chat/completions")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("}]}", "}], \"stream\": true}"))).build();
            HttpResponse<InputStream> response = fixture.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                body.readNBytes(64); // the stream is under way
                long start = System.nanoTime();
                fixture.server.stop();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                String rest = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(rest).contains("\"error\"").contains("shutting down").doesNotContain("[DONE]");
            }
            assertThat(endless.cancelledCount()).isEqualTo(1);
        }
    }

    @Test
    void requestsOnAStoppingServerAre503WithRetryAfter() throws IOException {
        try (ServerFixture fixture = ServerFixture.hello(dir)) {
            fixture.registry.shutdown(Duration.ZERO); // models no longer lent, as during a stop
            HttpResponse<String> response = fixture.post("/v1/chat/completions", CHAT);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(response).at("/error/type").asText()).isEqualTo("server_error");
        }
    }
}
