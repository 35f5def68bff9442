package dev.hearth.kb.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.kb.KnowledgeBaseOptions;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.ollama.OllamaApi;
import dev.hearth.serve.openai.OpenAiApi;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The knowledge-base API over real HTTP: a server with a tiny synthetic answering model, knowledge
 * bases on a test embedder, documents uploaded as multipart, an ingestion job followed to its end,
 * search, ask (generated and not covered), and {@code kb:NAME} chat, whole and streamed.
 */
class KnowledgeBaseApiIT {
    @TempDir
    static Path dir;
    static ModelRegistry registry;
    static KnowledgeBases bases;
    static HearthServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path model = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(32L << 20).withMaxSequences(2);
        registry = ModelRegistry.create(List.of(new ModelSource("tiny", model)),
                new RegistryOptions(engine, Duration.ofMinutes(5), 1L << 30), InferenceEngines::open);
        bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(dir.resolve("data")).withMinRelevance(0.3),
                new ConceptBagEmbedder(64));
        KnowledgeBaseApi api = KnowledgeBaseApi.create(bases, Optional.of("tiny"));
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry,
                List.of(OpenAiApi.create(api.grounding()), OllamaApi.create("test", api.grounding()), api), line -> { })
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        registry.close();
        bases.close();
    }

    @Test
    void aKnowledgeBaseFromCreationToDeletion() throws Exception {
        HttpResponse<String> created = post("/v1/kb", "{\"name\":\"plant\",\"description\":\"plant manuals\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("name").asText()).isEqualTo("plant");
        assertThat(post("/v1/kb", "{\"name\":\"plant\"}").statusCode()).isEqualTo(409);
        HttpResponse<String> invalid = post("/v1/kb", "{\"name\":\"../etc\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).at("/error/message").asText()).contains("../etc");
        assertThat(post("/v1/kb", "{}").statusCode()).isEqualTo(400);
        assertThat(get("/v1/kb/nowhere").statusCode()).isEqualTo(404);

        HttpResponse<String> upload = upload("/v1/kb/plant/documents", "safety",
                Map.of("safety.md", "# Hot work\n\nHot work needs a permit signed by the shift manager.\n",
                        "tool.exe", "MZ not a document"));
        assertThat(upload.statusCode()).isEqualTo(202);
        JsonNode job = awaitJob("plant", json(upload).at("/job/id").asLong());
        assertThat(job.get("state").asText()).isEqualTo("done");
        assertThat(job.get("files_total").asInt()).isEqualTo(2);
        assertThat(job.get("files_done").asInt()).isEqualTo(1);
        assertThat(job.get("errors")).singleElement().satisfies(e -> {
            assertThat(e.get("file").asText()).isEqualTo("tool.exe");
            assertThat(e.get("message").asText()).contains("unsupported");
        });

        JsonNode documents = json(get("/v1/kb/plant/documents"));
        JsonNode safety = documents.get("data").findParents("name").stream()
                .filter(d -> d.get("name").asText().equals("safety.md")).findFirst().orElseThrow();
        assertThat(safety.get("status").asText()).isEqualTo("indexed");
        assertThat(safety.get("tags").get(0).asText()).isEqualTo("safety");
        assertThat(safety.get("path").asText()).isEqualTo("safety.md"); // relative to the upload folder

        JsonNode search = json(post("/v1/kb/plant/search", "{\"query\":\"who signs the hot work permit\",\"k\":3}"));
        assertThat(search.get("covered").asBoolean()).isTrue();
        JsonNode citation = search.get("data").get(0);
        assertThat(citation.get("number").asInt()).isEqualTo(1);
        assertThat(citation.get("document").asText()).isEqualTo("safety.md");
        assertThat(citation.get("heading").asText()).isEqualTo("Hot work");
        assertThat(citation.get("text").asText()).contains("shift manager");
        assertThat(json(post("/v1/kb/plant/search", "{\"query\":\"hot work permit\",\"tags\":[\"finance\"]}"))
                .get("covered").asBoolean()).isFalse();
        assertThat(post("/v1/kb/plant/search", "{\"query\":\"x\",\"mode\":\"fuzzy\"}").statusCode()).isEqualTo(400);

        JsonNode asked = json(post("/v1/kb/plant/ask", "{\"question\":\"who signs the hot work permit?\",\"max_tokens\":8}"));
        assertThat(asked.get("covered").asBoolean()).isTrue();
        assertThat(asked.get("model").asText()).isEqualTo("tiny");
        assertThat(asked.get("citations").get(0).get("document").asText()).isEqualTo("safety.md");
        JsonNode offTopic = json(post("/v1/kb/plant/ask", "{\"question\":\"bake sourdough bread\"}"));
        assertThat(offTopic.get("covered").asBoolean()).isFalse();
        assertThat(offTopic.get("answer").asText()).isEqualTo("The knowledge base \"plant\" does not cover this question.");

        assertThat(json(get("/v1/models")).get("data").findValuesAsText("id")).contains("tiny", "kb:plant");

        assertThat(delete("/v1/kb/plant/documents/" + safety.get("id").asText()).statusCode()).isEqualTo(204);
        assertThat(json(get("/v1/kb/plant")).get("chunks").asInt()).isZero();
        assertThat(delete("/v1/kb/plant").statusCode()).isEqualTo(204);
        assertThat(get("/v1/kb/plant").statusCode()).isEqualTo(404);
    }

    @Test
    void chatOverAKnowledgeBaseCarriesItsCitationsWholeAndStreamed() throws Exception {
        assertThat(post("/v1/kb", "{\"name\":\"office\"}").statusCode()).isEqualTo(201);
        awaitJob("office", json(upload("/v1/kb/office/documents", "",
                Map.of("passwords.txt", "Passwords must be changed every ninety days.\n"))).at("/job/id").asLong());
        String question = "{\"role\":\"user\",\"content\":\"how often must passwords be changed\"}";

        JsonNode whole = json(post("/v1/chat/completions",
                "{\"model\":\"kb:office\",\"max_tokens\":8,\"messages\":[" + question + "]}"));
        assertThat(whole.get("model").asText()).isEqualTo("kb:office");
        assertThat(whole.get("citations").get(0).get("text").asText()).contains("ninety days");
        assertThat(whole.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(whole.at("/usage/prompt_tokens").asInt()).isPositive(); // the tiny model wrote it

        String stream = post("/v1/chat/completions",
                "{\"model\":\"kb:office\",\"max_tokens\":8,\"stream\":true,\"messages\":[" + question + "]}").body();
        List<String> events = stream.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(JSON.readTree(events.getFirst()).get("citations").get(0).get("document").asText()).isEqualTo("passwords.txt");
        assertThat(events.subList(1, events.size() - 1)).allSatisfy(e -> assertThat(JSON.readTree(e).has("citations")).isFalse());

        JsonNode unknown = json(post("/v1/chat/completions", "{\"model\":\"kb:nowhere\",\"messages\":[" + question + "]}"));
        assertThat(unknown.at("/error/message").asText()).contains("no knowledge base called 'nowhere'");
        JsonNode notUser = json(post("/v1/chat/completions",
                "{\"model\":\"kb:office\",\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}"));
        assertThat(notUser.at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void ollamaClientsChatOverAKnowledgeBaseToo() throws Exception {
        assertThat(post("/v1/kb", "{\"name\":\"lab\"}").statusCode()).isEqualTo(201);
        awaitJob("lab", json(upload("/v1/kb/lab/documents", "",
                Map.of("rules.txt", "Goggles must be worn in the laboratory at all times.\n"))).at("/job/id").asLong());
        assertThat(json(get("/api/tags")).get("models").findValuesAsText("name")).contains("kb:lab");
        String question = "{\"role\":\"user\",\"content\":\"must goggles be worn in the laboratory\"}";

        JsonNode whole = json(post("/api/chat", "{\"model\":\"kb:lab\",\"stream\":false,\"options\":{\"num_predict\":4},"
                + "\"messages\":[" + question + "]}"));
        assertThat(whole.get("model").asText()).isEqualTo("kb:lab");
        assertThat(whole.get("done").asBoolean()).isTrue();
        assertThat(whole.get("citations").get(0).get("document").asText()).isEqualTo("rules.txt");

        List<String> lines = post("/api/chat", "{\"model\":\"kb:lab\",\"options\":{\"num_predict\":4},"
                + "\"messages\":[" + question + "]}").body().lines().filter(l -> !l.isBlank()).toList();
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("citations").get(0).get("text").asText()).contains("Goggles");
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(JSON.readTree(l).has("citations")).isFalse());

        JsonNode offTopic = json(post("/api/chat", "{\"model\":\"kb:lab\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"bake sourdough bread\"}]}"));
        assertThat(offTopic.at("/message/content").asText()).isEqualTo("The knowledge base \"lab\" does not cover this question.");
        assertThat(json(post("/api/chat", "{\"model\":\"kb:nowhere\",\"messages\":[" + question + "]}"))
                .get("error").asText()).contains("no knowledge base called 'nowhere'");
    }

    @Test
    void anUploadWithoutFilesOrWithABadNameIsRefused() throws Exception {
        assertThat(post("/v1/kb", "{\"name\":\"empty\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> none = upload("/v1/kb/empty/documents", "", Map.of());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).at("/error/param").asText()).isEqualTo("file");
        assertThat(KnowledgeBaseApi.safeName("C:\\Users\\me\\report.pdf")).isEqualTo("report.pdf");
        assertThat(KnowledgeBaseApi.safeName("../../etc/passwd")).isEqualTo("passwd");
        HttpResponse<String> dotted = upload("/v1/kb/empty/documents", "", Map.of("..", "x"));
        assertThat(dotted.statusCode()).isEqualTo(400);
    }

    private static JsonNode awaitJob(String kb, long id) throws Exception {
        for (int i = 0; i < 300; i++) {
            JsonNode job = json(get("/v1/kb/" + kb + "/jobs/" + id));
            if (!job.get("state").asText().equals("running")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " still running after 30 s");
    }

    private static HttpResponse<String> upload(String path, String tags, Map<String, String> files) throws Exception {
        String boundary = "hearth-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var file : files.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getKey()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!tags.isEmpty()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\n" + tags + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(server.url() + path);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
