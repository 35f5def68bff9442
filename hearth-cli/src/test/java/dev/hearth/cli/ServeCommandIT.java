package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.testdata.TestData;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code hearth serve} process over llama2.c's stories260K (converted to GGUF) and a tiny
 * synthetic Qwen-shaped model, spoken to over HTTP with the JDK's client (what a client library
 * does on top is for the client-library tests). A random LoRA adapter for stories260K is loaded
 * switched off, so requests get it only when they ask for it.
 */
class ServeCommandIT {
    private static final String KEY = "sk-hearth-test-7d1e";
    private static final String PROMPT = "Once upon a time";
    private static final int LLAMA2C_STEPS = 200; // the tokens after BOS in expected.txt
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path stories;
    static Path tiny;
    static Path adapter;
    static String expected;
    static ServeProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestData.file("stories260k");
        stories = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);
        tiny = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        adapter = RandomAdapters.write(stories, 4, 1, dir.resolve("adapter.gguf"));
        Path keys = Files.writeString(dir.resolve("keys"), "# tests\n" + ApiKeys.hash(KEY) + "\n");
        server = ServeProcess.start("--model", "stories=" + stories, tiny.toString(), "--api-key-file", keys.toString(),
                "--kv-budget", "32m", "--parallel", "16", "--lora", adapter + ":0").withKey(KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode post(String path, String json) throws Exception {
        HttpResponse<String> response = server.post(path, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The content of a streamed chat answer, checked to end with [DONE]. */
    private static String streamedContent(String json) throws Exception {
        HttpResponse<String> response = server.post("/v1/chat/completions", json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        StringBuilder content = new StringBuilder();
        String[] events = response.body().split("\n\n");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        for (int i = 0; i < events.length - 1; i++) {
            JsonNode chunk = JSON.readTree(events[i].substring("data: ".length()));
            chunk.path("choices").forEach(c -> content.append(c.path("delta").path("content").asText("")));
        }
        return content.toString();
    }

    private static String chat(String user, int maxTokens, boolean stream) {
        return "{\"model\": \"stories\", \"messages\": [{\"role\": \"user\", \"content\": \"" + user + "\"}],"
                + " \"temperature\": 0, \"max_tokens\": " + maxTokens + ", \"stream\": " + stream + "}";
    }

    @Test
    void greedyTextCompletionIsLlama2csStory() throws Exception {
        int promptTokens = post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"" + PROMPT
                + "\", \"max_tokens\": 1}").at("/usage/prompt_tokens").asInt();
        int n = LLAMA2C_STEPS - (promptTokens - 1); // llama2.c counts the steps after BOS
        JsonNode answer = post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"" + PROMPT
                + "\", \"temperature\": 0, \"max_tokens\": " + n + "}");
        assertThat(answer.at("/choices/0/text").asText()).isEqualTo(expected.substring(PROMPT.length()));
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(n);
    }

    @Test
    void aRequestThatChoosesTheLoraAdapterIsAnsweredAsGenerateWithTheAdapterAnswers() throws Exception {
        JsonNode adapters = JSON.readTree(server.get("/lora-adapters").body());
        assertThat(adapters).hasSize(1);
        assertThat(adapters.get(0).get("path").asText()).isEqualTo(adapter.toString());
        assertThat(adapters.get(0).get("scale").asDouble()).isZero();

        String request = "{\"model\": \"stories\", \"prompt\": \"" + PROMPT + "\", \"temperature\": 0, \"max_tokens\": 30";
        String adapted = post("/v1/completions", request + ", \"lora\": [{\"id\": 0, \"scale\": 1}]}").at("/choices/0/text").asText();
        String plain = post("/v1/completions", request + "}").at("/choices/0/text").asText();
        CliRun generate = CliRun.of("generate", stories.toString(), "-p", PROMPT, "--temp", "0", "-n", "30",
                "--lora", adapter.toString());
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        assertThat(adapted).isEqualTo(generate.out()).isNotEqualTo(plain);

        HttpResponse<String> unknown = server.post("/v1/completions", request + ", \"lora\": [{\"id\": 1, \"scale\": 1}]}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).at("/error/param").asText()).isEqualTo("lora");
    }

    @Test
    void aStreamedChatAnswerIsTheWholeOneInPieces() throws Exception {
        JsonNode whole = post("/v1/chat/completions", chat("Tell me a story about a cat.", 60, false));
        String content = whole.at("/choices/0/message/content").asText();
        assertThat(content).isNotBlank();
        assertThat(streamedContent(chat("Tell me a story about a cat.", 60, true))).isEqualTo(content);
        assertThat(whole.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void sixteenConcurrentStreamsEachGetTheTextTheyGetAlone() throws Exception {
        List<String> prompts = IntStream.range(0, 16).mapToObj(i -> "Tell me about the number " + i + ".").toList();
        List<String> alone = new ArrayList<>();
        for (String p : prompts) {
            alone.add(post("/v1/chat/completions", chat(p, 40, false)).at("/choices/0/message/content").asText());
        }
        // a thread per client, all released at once: the server batches all 16 (--parallel 16)
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (var clients = java.util.concurrent.Executors.newFixedThreadPool(prompts.size())) {
            List<java.util.concurrent.Future<String>> together = new ArrayList<>();
            for (String p : prompts) {
                together.add(clients.submit(() -> {
                    go.await();
                    return streamedContent(chat(p, 40, true));
                }));
            }
            go.countDown();
            List<String> streamed = new ArrayList<>();
            for (var f : together) {
                streamed.add(f.get());
            }
            assertThat(streamed).isEqualTo(alone);
        }
    }

    @Test
    void keysAreRequiredAndNeverReachTheLog() throws Exception {
        HttpResponse<String> anonymous = server.client().send(HttpRequest.newBuilder(java.net.URI.create(server.url + "/v1/models"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> health = server.client().send(HttpRequest.newBuilder(java.net.URI.create(server.url + "/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"Hi\", \"max_tokens\": 2}");
        Thread.sleep(200); // the log line is written after the response
        assertThat(server.stderr()).contains("GET /v1/models 401 ").contains("POST /v1/completions 200 ").doesNotContain(KEY);
    }

    @Test
    void modelsAreListedAndMetricsCountTheirTokens() throws Exception {
        JsonNode models = JSON.readTree(server.get("/v1/models").body());
        List<String> ids = new ArrayList<>();
        models.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("stories", "tiny");
        post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"Hi\", \"max_tokens\": 3, \"temperature\": 0}");
        String metrics = server.get("/metrics").body();
        assertThat(metrics).containsPattern("hearth_generated_tokens_total\\{model=\"stories\"} [1-9]")
                .containsPattern("hearth_kv_blocks_free\\{model=\"stories\"} \\d+")
                .contains("hearth_model_loaded{model=\"stories\"} 1");
    }

    @Test
    void aSyntheticModelAnswersSeveralChoicesWithLogprobs() throws Exception {
        JsonNode answer = post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"max_tokens\": 5, \"n\": 2, \"seed\": 3, \"logprobs\": true, \"top_logprobs\": 3}");
        assertThat(answer.get("choices")).hasSize(2);
        for (JsonNode choice : answer.get("choices")) {
            JsonNode content = choice.at("/logprobs/content");
            assertThat(content.size()).isBetween(1, 5);
            assertThat(content.get(0).get("top_logprobs")).hasSize(3);
            assertThat(content.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0);
        }
        assertThat(answer.at("/usage/completion_tokens").asInt()).isBetween(2, 10);
    }

    @Test
    void embeddingsComeFromTheDecodersHiddenStates() throws Exception {
        JsonNode answer = post("/v1/embeddings", "{\"model\": \"stories\", \"input\": [\"a cat\", \"a dog\"]}");
        assertThat(answer.get("data")).hasSize(2);
        JsonNode vector = answer.at("/data/0/embedding");
        assertThat(vector.size()).isPositive();
        double norm = 0;
        for (JsonNode x : vector) {
            norm += x.asDouble() * x.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void aPromptLongerThanTheContextIsA400() throws Exception {
        String tokens = IntStream.range(0, 600).mapToObj(i -> "100").collect(Collectors.joining(",", "[", "]"));
        HttpResponse<String> response = server.post("/v1/completions", "{\"model\": \"stories\", \"prompt\": " + tokens + "}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.get("param").asText()).isEqualTo("prompt");
        assertThat(error.get("message").asText()).contains("600 tokens");
    }

    @Test
    void sigtermLetsTheStreamInFlightFinishThenExits() throws Exception {
        try (ServeProcess own = ServeProcess.start(stories.toString(), "--kv-budget", "16m", "--shutdown-timeout", "20s")) {
            HttpRequest request = own.request("/v1/chat/completions").POST(HttpRequest.BodyPublishers.ofString(
                    chat("Tell me a long story.", 300, true).replace("\"stories\"", "\"stories260K\""))).build();
            HttpResponse<java.io.InputStream> response = own.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                assertThat(body.readLine()).startsWith("data: ");
                own.process.destroy(); // SIGTERM
                String rest;
                try {
                    rest = body.lines().collect(Collectors.joining("\n"));
                } catch (java.io.UncheckedIOException e) {
                    throw new AssertionError("the stream broke; the server said: " + own.stderr(), e);
                }
                assertThat(rest).contains("\"finish_reason\":").endsWith("data: [DONE]\n");
            }
            assertThat(own.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(own.process.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the hook ran
        }
    }
}
