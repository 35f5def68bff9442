package dev.hearth.serve.http;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.openai.OpenAiApi;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running server over fake engines (one per model name), for tests of the HTTP layer; the
 * request log is kept in {@link #log}.
 */
public final class ServerFixture implements AutoCloseable {
    public final HearthServer server;
    public final ModelRegistry registry;
    public final Map<String, FakeEngine> engines;
    public final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private String key;

    public ServerFixture(Path dir, ServerConfig config, Map<String, FakeEngine> engines) throws IOException {
        this.engines = engines;
        List<ModelSource> sources = new ArrayList<>();
        for (String name : engines.keySet()) {
            sources.add(new ModelSource(name, Files.write(dir.resolve(name + ".gguf"), new byte[16])));
        }
        RegistryOptions options = new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(1000), Duration.ofMinutes(5), 1L << 30);
        this.registry = ModelRegistry.create(sources, options, (file, o) -> engines.get(o.name()));
        this.server = HearthServer.create(config.withPort(0), registry, List.of(OpenAiApi.create()), log::add).start();
    }

    /** A server on one fake model, "hello". */
    public static ServerFixture hello(Path dir) throws IOException {
        return new ServerFixture(dir, ServerConfig.defaults(), Map.of("hello", FakeEngine.hello("hello")));
    }

    /** Sends {@code Authorization: Bearer key} from now on. */
    public ServerFixture withKey(String key) {
        this.key = key;
        return this;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build());
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    @Override
    public void close() {
        server.stop();
        registry.close();
        client.close();
    }
}
