package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.EngineStats;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over the real engine, on a tiny synthetic model (the text means nothing; the slots,
 * queue and KV blocks are real): two sequences at once and no waiting line, so the third request
 * is refused.
 */
class OpenAiServerIT {
    private static final String LONG_STREAM = "{\"messages\": [{\"role\": \"user\", \"content\": \"go on\"}],"
            + " \"temperature\": 0, \"max_tokens\": 1500, \"stream\": true}";

    @TempDir
    static Path dir;
    static ModelRegistry registry;
    static HearthServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path model = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(32L << 20)
                .withMaxSequences(2).withMaxQueue(0);
        registry = ModelRegistry.create(List.of(new ModelSource("tiny", model)),
                new RegistryOptions(engine, Duration.ofMinutes(5), 1L << 30), InferenceEngines::open);
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry, List.of(OpenAiApi.create()), line -> { })
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        registry.close();
    }

    private static HttpRequest chat(String json) {
        return HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(60)).build();
    }

    /** A stream under way: its first event has come. */
    private static InputStream openStream() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(chat(LONG_STREAM), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).startsWith("data: ");
        return response.body();
    }

    private static EngineStats awaitStats(Predicate<EngineStats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        EngineStats stats = registry.stats().get("tiny");
        while (!condition.test(stats) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            stats = registry.stats().get("tiny");
        }
        return stats;
    }

    @Test
    void aClientThatDisconnectsFreesItsSlotAndBlocks() throws Exception {
        InputStream stream = openStream();
        assertThat(awaitStats(s -> s.active() == 1).active()).isEqualTo(1);
        stream.close();
        EngineStats after = awaitStats(s -> s.active() == 0 && s.kvBlocksUsed() == 0);
        assertThat(after.active()).isZero();
        assertThat(after.kvBlocksUsed()).isZero();
    }

    @Test
    void aFullEngineAnswers503WithRetryAfterAndRecovers() throws Exception {
        List<InputStream> busy = new ArrayList<>();
        busy.add(openStream());
        busy.add(openStream());
        HttpResponse<String> refused = CLIENT.send(chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("\"type\":\"server_error\"");
        for (InputStream stream : busy) {
            stream.close();
        }
        awaitStats(s -> s.active() == 0);
        HttpResponse<String> served = CLIENT.send(chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(served.body()).contains("\"finish_reason\":\"length\"");
    }
}
