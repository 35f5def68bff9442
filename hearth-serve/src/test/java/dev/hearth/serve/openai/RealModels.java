package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthPlan;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.model.template.ChatTemplate;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real server, the real engine, over the tiny synthetic model (Qwen2.5's tokenizer layout,
 * random weights: the content is meaningless, the structure is real) carrying real chat
 * templates, so each tool-call convention runs end to end:
 * {@code qwen} has Qwen3's template (tagged calls), {@code llama} Llama 3.2's (bare JSON with
 * {@code parameters}), {@code chatml} Hearth's built-in ChatML (no tools: the generic fallback).
 */
final class RealModels implements AutoCloseable {
    final ModelRegistry registry;
    final HearthServer server;

    private RealModels(ModelRegistry registry, HearthServer server) {
        this.registry = registry;
        this.server = server;
    }

    static RealModels start(Path dir) throws IOException {
        JsonNode qwen3 = Json.mapper().readTree(Files.readString(TestData.file("qwen3-tokenizer/tokenizer_config.json")));
        String llama;
        try (InputStream in = ChatTemplate.class.getResourceAsStream("llama-3.2-instruct.jinja")) {
            llama = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<ModelSource> sources = List.of(
                new ModelSource("qwen", tiny(dir.resolve("qwen.gguf"), qwen3.get("chat_template").asText())),
                new ModelSource("llama", tiny(dir.resolve("llama.gguf"), llama)),
                new ModelSource("chatml", tiny(dir.resolve("chatml.gguf"), null)));
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(64L << 20).withKvBlockSize(16);
        ModelRegistry registry = ModelRegistry.create(sources, new RegistryOptions(engine, Duration.ofMinutes(10), 1L << 30),
                InferenceEngines::open);
        HearthServer server = HearthServer.create(ServerConfig.defaults().withPort(0), registry,
                List.of(OpenAiApi.create()), line -> { }).start();
        return new RealModels(registry, server);
    }

    /** The tiny model with {@code template} as its {@code tokenizer.chat_template} (null: the preset's). */
    private static Path tiny(Path file, String template) throws IOException {
        SynthPlan plan = SyntheticModels.plan(Preset.TINY, SynthType.Q8_0);
        if (template != null) {
            plan = new SynthPlan(plan.preset(), plan.type(), new GgufWriter().putAll(plan.metadata())
                    .putString("tokenizer.chat_template", template).metadata(), plan.tensors());
        }
        return SyntheticModels.write(plan, 7, file, 2).file();
    }

    /** The OpenAI base URL, {@code http://127.0.0.1:port/v1}. */
    String baseUrl() {
        return server.url() + "/v1";
    }

    @Override
    public void close() {
        server.stop();
        registry.close();
    }
}
