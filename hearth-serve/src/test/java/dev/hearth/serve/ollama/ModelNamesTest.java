package dev.hearth.serve.ollama;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ModelNamesTest {
    @TempDir
    Path dir;

    @Test
    void aNameWithoutATagIsListedAsLatest() {
        assertThat(ModelNames.ollamaName("stories260K")).isEqualTo("stories260K:latest");
        assertThat(ModelNames.ollamaName("qwen2.5:0.5b")).isEqualTo("qwen2.5:0.5b");
    }

    @Test
    void requestsMayNameAModelWithOrWithoutLatest() throws Exception {
        try (ModelRegistry registry = registry()) {
            assertThat(ModelNames.resolve(registry, "stories260K")).isEqualTo("stories260K");
            assertThat(ModelNames.resolve(registry, "stories260K:latest")).isEqualTo("stories260K");
            assertThat(ModelNames.resolve(registry, "qwen2.5:0.5b")).isEqualTo("qwen2.5:0.5b");
        }
    }

    @Test
    void anUnknownNameIsA404InOllamasWords() throws Exception {
        try (ModelRegistry registry = registry()) {
            for (String name : List.of("llama3", "stories260K:7b", "qwen2.5", "qwen2.5:latest")) {
                ApiException e = catchThrowableOfType(ApiException.class, () -> ModelNames.resolve(registry, name));
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.getMessage()).isEqualTo("model '" + name + "' not found");
            }
        }
    }

    private ModelRegistry registry() throws Exception {
        Path a = Files.writeString(dir.resolve("stories260K.gguf"), "not read");
        Path b = Files.writeString(dir.resolve("qwen.gguf"), "not read");
        return ModelRegistry.create(List.of(new ModelSource("stories260K", a), new ModelSource("qwen2.5:0.5b", b)),
                new RegistryOptions(EngineOptions.defaults(), Duration.ofMinutes(5), 1L << 30),
                (file, options) -> { throw new AssertionError("no model is loaded to resolve a name"); });
    }
}
