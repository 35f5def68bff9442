package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.lora.LoraAdapter;
import dev.hearth.model.lora.LoraAdapters;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.engine.LoraAdapterFile;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.testdata.TestData;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with two LoRA adapters over llama2.c's stories260K, and a tiny synthetic model they do
 * not fit: requests choose adapters with llama.cpp's {@code lora} field and get, greedily, what the
 * one-sequence generator writes with the same adapters (what {@code hearth run --lora} runs).
 */
class LoraServingIT {
    private static final String PROMPT = "Once upon a time";
    private static final int TOKENS = 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LoraAdapter first;
    static LoraAdapter second;
    static Backend backend;
    static Model reference;
    static ModelRegistry registry;
    static HearthServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path data = TestData.file("stories260k");
        Path stories = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        Path tiny = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        Path firstFile = RandomAdapters.write(stories, 4, 1, dir.resolve("first.gguf"));
        Path secondFile = RandomAdapters.write(stories, 2, 2, dir.resolve("second.gguf"));
        first = LoraAdapters.read(firstFile);
        second = LoraAdapters.read(secondFile);
        // the first on by default, the second loaded but off (llama.cpp's --lora-init-without-apply)
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(16L << 20).withKvBlockSize(16)
                .withLoraAdapters(List.of(new LoraAdapterFile(firstFile, 1f, first), new LoraAdapterFile(secondFile, 0f, second)));
        registry = ModelRegistry.create(List.of(new ModelSource("stories", stories), new ModelSource("tiny", tiny)),
                new RegistryOptions(engine, Duration.ofMinutes(5), 1L << 30), InferenceEngines::open);
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry, List.of(OpenAiApi.create()), line -> { })
                .start();
        backend = Backend.cpu(2);
        reference = Models.open(stories, ModelOptions.defaults().withKernels(backend.kernels()));
    }

    @AfterAll
    static void stop() {
        server.stop();
        registry.close();
        reference.close();
        backend.close();
    }

    /** What the one-sequence generator writes greedily after the prompt with {@code adapters}. */
    private static String alone(List<ScaledLora> adapters) {
        int bos = reference.tokenizer().specialTokens().bos().orElseThrow();
        int[] prompt = IntStream.concat(IntStream.of(bos),
                IntStream.of(reference.tokenizer().encode(PROMPT, SpecialTokenMode.ALL))).toArray();
        try (KvCache cache = reference.newCache(512, KvPrecision.F16, reference.lora(adapters))) {
            return Generator.of(reference).generate(cache, prompt, GenerationParams.greedy(TOKENS), t -> { }).text();
        }
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The text of a greedy completion of the prompt, {@code lora} being the field's JSON or null for none. */
    private static String complete(String lora) throws Exception {
        HttpResponse<String> response = post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"" + PROMPT
                + "\", \"max_tokens\": " + TOKENS + ", \"temperature\": 0" + (lora == null ? "" : ", \"lora\": " + lora) + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("choices").path(0).path("text").asText();
    }

    @Test
    void eachChoiceOfAdaptersAnswersAsTheGeneratorWithThoseAdapters() throws Exception {
        String none = complete("[]");
        String defaults = complete(null);
        String both = complete("[{\"id\": 0, \"scale\": 0.5}, {\"id\": 1, \"scale\": 1.5}]");
        String secondOnly = complete("[{\"id\": 1, \"scale\": 1}, {\"id\": 0, \"scale\": 0}]");

        assertThat(none).isEqualTo(alone(List.of()));
        assertThat(defaults).isEqualTo(alone(List.of(new ScaledLora(first, 1f))));
        assertThat(both).isEqualTo(alone(List.of(new ScaledLora(first, 0.5f), new ScaledLora(second, 1.5f))));
        assertThat(secondOnly).isEqualTo(alone(List.of(new ScaledLora(second, 1f))));
        assertThat(List.of(none, defaults, both, secondOnly)).as("the adapters change the story").doesNotHaveDuplicates();
    }

    @Test
    void chatCompletionsTakeTheFieldToo() throws Exception {
        String request = "{\"model\": \"stories\", \"messages\": [{\"role\": \"user\", \"content\": \"" + PROMPT
                + "\"}], \"max_tokens\": 12, \"temperature\": 0";
        String plain = JSON.readTree(post("/v1/chat/completions", request + ", \"lora\": []}").body())
                .path("choices").path(0).path("message").path("content").asText();
        String adapted = JSON.readTree(post("/v1/chat/completions", request + ", \"lora\": [{\"id\": 0, \"scale\": 1}]}").body())
                .path("choices").path(0).path("message").path("content").asText();
        String defaults = JSON.readTree(post("/v1/chat/completions", request + "}").body())
                .path("choices").path(0).path("message").path("content").asText();
        assertThat(adapted).isEqualTo(defaults).isNotEqualTo(plain);
    }

    @Test
    void loraAdaptersListsEachAdaptersIdPathAndDefaultScale() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + "/lora-adapters"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(0).get("id").asInt()).isZero();
        assertThat(list.get(0).get("path").asText()).isEqualTo(dir.resolve("first.gguf").toString());
        assertThat(list.get(0).get("scale").asDouble()).isEqualTo(1.0);
        assertThat(list.get(1).get("id").asInt()).isEqualTo(1);
        assertThat(list.get(1).get("scale").asDouble()).isZero();
    }

    @Test
    void anUnknownIdAnAdapterForAnotherModelOrAMalformedFieldIs400NamingTheField() throws Exception {
        assertInvalid(post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"x\", \"lora\": [{\"id\": 7, \"scale\": 1}]}"),
                "lora", "no LoRA adapter has id 7; this server has 2 (ids 0 to 1)");
        assertInvalid(post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"lora\": [{\"id\": 0, \"scale\": 1}]}"), "lora", "LoRA adapter 0 (" + dir.resolve("first.gguf")
                + ") does not apply to tiny");
        assertInvalid(post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"x\", \"lora\": {\"id\": 0}}"),
                "lora", "lora must be an array of objects with id and scale");
        assertInvalid(post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"x\", \"lora\": [{\"scale\": 1}]}"),
                "lora[0].id", "lora[0].id is required");
        assertInvalid(post("/v1/completions", "{\"model\": \"stories\", \"prompt\": \"x\","
                + " \"lora\": [{\"id\": 1, \"scale\": 1}, {\"id\": 1, \"scale\": 2}]}"), "lora[1].id", "adapter 1 is chosen twice");
        // the adapters that do not fit a model are simply not among its defaults
        HttpResponse<String> tiny = post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"x\", \"max_tokens\": 2}");
        assertThat(tiny.statusCode()).as(tiny.body()).isEqualTo(200);
    }

    private static void assertInvalid(HttpResponse<String> response, String param, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains(message);
    }
}
