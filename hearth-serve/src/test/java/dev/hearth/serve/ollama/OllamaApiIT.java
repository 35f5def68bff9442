package dev.hearth.serve.ollama;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.testdata.TestData;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama's API on a real server and the real engine, over llama2.c's stories260K converted to
 * GGUF: greedy chat and generation, streamed and whole; the model routes; errors in Ollama's shape.
 */
class OllamaApiIT {
    private static final String VERSION = "0.1.0-test";
    private static final String GREEDY = "\"options\": {\"temperature\": 0, \"num_predict\": 40}";
    /**
     * Greedy, with repeats penalised hard: the grammar allows whitespace between JSON tokens, and a
     * story model asked for JSON would otherwise write newlines until the limit (Ollama warns of this).
     */
    private static final String SPARE_WHITESPACE = "\"options\": {\"temperature\": 0, \"repeat_penalty\": 50, \"num_predict\": 100}";

    @TempDir
    static Path dir;
    static Path model;
    static ModelRegistry registry;
    static HearthServer server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Path data = TestData.file("stories260k");
        model = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(16L << 20).withKvBlockSize(16);
        registry = ModelRegistry.create(List.of(ModelSource.parse(model.toString())),
                new RegistryOptions(engine, Duration.ofMinutes(5), 1L << 30), InferenceEngines::open);
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry, List.of(OllamaApi.create(VERSION)),
                line -> { }).start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        registry.close();
        client.close();
    }

    @Test
    void rawGenerationIsTheSameStreamedAndWhole() throws Exception {
        String request = "{\"model\": \"stories260K\", \"prompt\": \"Once upon a time\", \"raw\": true, " + GREEDY;
        JsonNode whole = json(post("/api/generate", request + ", \"stream\": false}", 200));
        assertThat(whole.get("model").asText()).isEqualTo("stories260K");
        assertThat(whole.get("done").asBoolean()).isTrue();
        assertThat(whole.get("done_reason").asText()).isEqualTo("length");
        assertThat(whole.get("eval_count").asInt()).isEqualTo(40);
        assertThat(whole.get("prompt_eval_count").asInt()).isPositive();
        assertThat(whole.get("total_duration").asLong()).isGreaterThanOrEqualTo(whole.get("eval_duration").asLong());
        assertThat(whole.has("context")).as("raw mode returns no context").isFalse();
        assertThat(whole.get("response").asText()).isNotBlank();

        HttpResponse<String> streamed = post("/api/generate", request + "}", 200);
        assertThat(streamed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
        List<JsonNode> lines = ndjson(streamed);
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines.subList(0, lines.size() - 1)) {
            assertThat(line.get("done").asBoolean()).isFalse();
            assertThat(line.has("done_reason")).isFalse();
            assertThat(Instant.parse(line.get("created_at").asText())).isNotNull();
            text.append(line.get("response").asText());
        }
        JsonNode last = lines.getLast();
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("response").asText()).isEmpty();
        assertThat(last.get("done_reason").asText()).isEqualTo("length");
        assertThat(last.get("eval_count").asInt()).isEqualTo(40);
        assertThat(text.toString()).isEqualTo(whole.get("response").asText());
    }

    @Test
    void chatIsTheSameStreamedAndWhole() throws Exception {
        String request = "{\"model\": \"stories260K:latest\", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story.\"}], "
                + GREEDY;
        JsonNode whole = json(post("/api/chat", request + ", \"stream\": false}", 200));
        assertThat(whole.get("model").asText()).isEqualTo("stories260K:latest");
        assertThat(whole.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(whole.get("done_reason").asText()).isEqualTo("length");
        assertThat(whole.get("eval_count").asInt()).isEqualTo(40);

        List<JsonNode> lines = ndjson(post("/api/chat", request + "}", 200));
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines.subList(0, lines.size() - 1)) {
            assertThat(line.get("done").asBoolean()).isFalse();
            assertThat(line.at("/message/role").asText()).isEqualTo("assistant");
            text.append(line.at("/message/content").asText());
        }
        JsonNode last = lines.getLast();
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.at("/message/content").asText()).isEmpty();
        assertThat(last.get("prompt_eval_count").asInt()).isEqualTo(whole.get("prompt_eval_count").asInt());
        assertThat(text.toString()).isEqualTo(whole.at("/message/content").asText());
    }

    @Test
    void aSchemaFormatHoldsTheAnswerToIt() throws Exception {
        String schema = "{\"type\": \"object\", \"properties\": {\"happy\": {\"type\": \"boolean\"}}, "
                + "\"required\": [\"happy\"], \"additionalProperties\": false}";
        JsonNode whole = json(post("/api/chat", "{\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Is the cat happy?\"}], \"format\": " + schema + ", \"stream\": false, "
                + SPARE_WHITESPACE + "}", 200));
        String content = whole.at("/message/content").asText();
        assertThat(content).as(whole.toString()).endsWith("}");
        JsonNode answer = Json.mapper().readTree(content);
        assertThat(answer.get("happy").isBoolean()).as(whole.toString()).isTrue();
        assertThat(answer.properties()).hasSize(1);
        assertThat(whole.get("done_reason").asText()).isEqualTo("stop");

        List<JsonNode> lines = ndjson(post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"Once upon a time\", "
                + "\"raw\": true, \"format\": \"json\", " + GREEDY + "}", 200));
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.get("response").asText()));
        assertThat(text.toString().strip()).startsWith("{");
    }

    @Test
    void generationReturnsAContextThatCarriesTheConversationOn() throws Exception {
        JsonNode first = json(post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"Tell me a story.\", "
                + "\"stream\": false, \"options\": {\"temperature\": 0, \"num_predict\": 10}}", 200));
        JsonNode context = first.get("context");
        assertThat(context.size()).isEqualTo(first.get("prompt_eval_count").asInt() + first.get("eval_count").asInt());
        JsonNode next = json(post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"And then?\", \"context\": "
                + context + ", \"stream\": false, \"options\": {\"temperature\": 0, \"num_predict\": 10}}", 200));
        assertThat(next.get("prompt_eval_count").asInt()).isGreaterThan(context.size());
        assertThat(next.get("context").size()).isEqualTo(next.get("prompt_eval_count").asInt() + next.get("eval_count").asInt());
    }

    @Test
    void aRequestWithNothingToSayOnlyLoadsTheModel() throws Exception {
        JsonNode generate = json(post("/api/generate", "{\"model\": \"stories260K\"}", 200));
        assertThat(generate.get("done").asBoolean()).isTrue();
        assertThat(generate.get("done_reason").asText()).isEqualTo("load");
        assertThat(generate.get("response").asText()).isEmpty();
        JsonNode chat = json(post("/api/chat", "{\"model\": \"stories260K\", \"messages\": []}", 200));
        assertThat(chat.get("done_reason").asText()).isEqualTo("load");
        assertThat(chat.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(chat.at("/message/content").asText()).isEmpty();
        assertThat(json(get("/api/ps", 200)).get("models")).hasSize(1);
    }

    @Test
    void tagsListTheModelAsOllamaNamesIt() throws Exception {
        JsonNode models = json(get("/api/tags", 200)).get("models");
        assertThat(models).hasSize(1);
        JsonNode m = models.get(0);
        assertThat(m.get("name").asText()).isEqualTo("stories260K:latest");
        assertThat(m.get("model").asText()).isEqualTo("stories260K:latest");
        assertThat(m.get("size").asLong()).isEqualTo(Files.size(model));
        assertThat(m.get("digest").asText()).matches("[0-9a-f]{64}");
        assertThat(Instant.parse(m.get("modified_at").asText())).isEqualTo(Files.getLastModifiedTime(model).toInstant());
        JsonNode details = m.get("details");
        assertThat(details.get("format").asText()).isEqualTo("gguf");
        assertThat(details.get("family").asText()).isEqualTo("llama");
        assertThat(details.get("families").get(0).asText()).isEqualTo("llama");
        assertThat(details.get("parameter_size").asText()).matches("\\d+K");
        assertThat(details.get("quantization_level").asText()).isEqualTo("F32");
        assertThat(details.get("parent_model").asText()).isEmpty();
    }

    @Test
    void showDescribesTheModel() throws Exception {
        JsonNode show = json(post("/api/show", "{\"model\": \"stories260K\"}", 200));
        assertThat(show.at("/details/family").asText()).isEqualTo("llama");
        assertThat(show.at("/model_info/general.architecture").asText()).isEqualTo("llama");
        assertThat(show.at("/model_info/llama.context_length").asInt()).isPositive();
        assertThat(show.at("/model_info/llama.embedding_length").asInt()).isPositive();
        assertThat(show.at("/model_info/general.parameter_count").asLong()).isPositive();
        assertThat(show.at("/model_info/tokenizer.ggml.tokens")).as("long arrays only with verbose").isEmpty();
        assertThat(show.get("capabilities")).extracting(JsonNode::asText).containsExactly("completion");
        assertThat(show.get("template").asText()).contains("[INST]"); // the built-in llama2 template
        assertThat(show.get("modelfile").asText()).contains("FROM stories260K.gguf");
        assertThat(Instant.parse(show.get("modified_at").asText())).isNotNull();

        JsonNode verbose = json(post("/api/show", "{\"name\": \"stories260K:latest\", \"verbose\": true}", 200));
        assertThat(verbose.at("/model_info/tokenizer.ggml.tokens")).hasSize(512);
        assertThat(verbose.get("details")).isEqualTo(show.get("details"));
    }

    @Test
    void psListsLoadedModelsWithTheirMemory() throws Exception {
        post("/api/generate", "{\"model\": \"stories260K\"}", 200);
        JsonNode m = json(get("/api/ps", 200)).get("models").get(0);
        assertThat(m.get("name").asText()).isEqualTo("stories260K:latest");
        assertThat(m.get("size").asLong()).isGreaterThan(Files.size(model));
        assertThat(m.get("size_vram").asLong()).isZero();
        assertThat(m.get("context_length").asInt()).isPositive();
        assertThat(Instant.parse(m.get("expires_at").asText())).isAfter(Instant.now());
        assertThat(m.get("digest").asText()).isEqualTo(json(get("/api/tags", 200)).at("/models/0/digest").asText());
    }

    @Test
    void versionIsHearths() throws Exception {
        assertThat(json(get("/api/version", 200)).get("version").asText()).isEqualTo(VERSION);
    }

    @Test
    void embedGivesOneUnitVectorPerInput() throws Exception {
        JsonNode two = json(post("/api/embed", "{\"model\": \"stories260K\", \"input\": [\"a cat\", \"a dog ran\"]}", 200));
        assertThat(two.get("model").asText()).isEqualTo("stories260K");
        assertThat(two.get("embeddings")).hasSize(2);
        double norm = 0;
        for (JsonNode x : two.get("embeddings").get(0)) {
            norm += x.asDouble() * x.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(two.get("prompt_eval_count").asInt()).isPositive();
        JsonNode one = json(post("/api/embed", "{\"model\": \"stories260K\", \"input\": \"a cat\"}", 200));
        assertThat(one.get("embeddings").get(0)).isEqualTo(two.get("embeddings").get(0));
        JsonNode older = json(post("/api/embeddings", "{\"model\": \"stories260K\", \"prompt\": \"a cat\"}", 200));
        assertThat(older.get("embedding")).isEqualTo(two.get("embeddings").get(0));
        assertThat(json(post("/api/embeddings", "{\"model\": \"stories260K\", \"prompt\": \"\"}", 200)).get("embedding")).isEmpty();
        assertThat(error(post("/api/embed", "{\"model\": \"stories260K\", \"input\": [\"a\", 1]}", 400))).startsWith("input[1]");
        assertThat(error(post("/api/embed", "{\"model\": \"stories260K\", \"input\": \"" + "a cat ".repeat(600)
                + "\", \"truncate\": false}", 400))).contains("context");
        assertThat(json(post("/api/embed", "{\"model\": \"stories260K\", \"input\": \"" + "a cat ".repeat(600) + "\"}", 200))
                .get("prompt_eval_count").asInt()).as("cut to the context").isEqualTo(512);
    }

    @Test
    void errorsAreOllamasShapeWithTheRightStatus() throws Exception {
        String chat = "{\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        assertThat(error(post("/api/chat", "{\"model\": \"llama3\", \"messages\": []}", 404))).isEqualTo("model 'llama3' not found");
        assertThat(error(post("/api/show", "{\"model\": \"llama3:8b\"}", 404))).isEqualTo("model 'llama3:8b' not found");
        assertThat(error(post("/api/chat", "{\"messages\": []}", 400))).isEqualTo("model is required");
        assertThat(error(post("/api/chat", chat + ", \"options\": {\"temperature\": -1}}", 400))).startsWith("options.temperature");
        assertThat(error(post("/api/chat", chat + ", \"format\": {\"type\": \"string\", \"pattern\": \"a+\"}}", 400)))
                .startsWith("format");
        assertThat(error(post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"hi\", \"suffix\": \"x\"}", 400)))
                .startsWith("suffix");
        assertThat(error(post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"hi\", \"context\": [99999]}", 400)))
                .startsWith("context[0]");
        assertThat(error(post("/api/chat", "{\"model\": ", 400))).contains("not valid JSON");
        assertThat(error(post("/api/pull", "{\"model\": \"llama3\"}", 404))).isNotBlank();
        String tooLong = "Once upon a time ".repeat(300);
        assertThat(error(post("/api/generate", "{\"model\": \"stories260K\", \"raw\": true, \"prompt\": \"" + tooLong + "\"}", 400)))
                .contains("context");
    }

    private static HttpResponse<String> get(String path, int status) throws Exception {
        return expect(HttpRequest.newBuilder(URI.create(server.url() + path)).GET(), status);
    }

    private static HttpResponse<String> post(String path, String body, int status) throws Exception {
        return expect(HttpRequest.newBuilder(URI.create(server.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), status);
    }

    private static HttpResponse<String> expect(HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private static List<JsonNode> ndjson(HttpResponse<String> response) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            lines.add(Json.mapper().readTree(line));
        }
        return lines;
    }

    /** The message of an Ollama error body, which holds nothing else. */
    private static String error(HttpResponse<String> response) throws IOException {
        JsonNode body = json(response);
        assertThat(body.properties()).hasSize(1);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return body.get("error").asText();
    }
}
