package dev.hearth.serve.registry;

import dev.hearth.serve.engine.EngineInfo;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A served model, loaded or not.
 *
 * @param fileBytes size of the GGUF file
 * @param modified when the file was last written (OpenAI's {@code created}, Ollama's {@code modified_at})
 * @param info the engine's description; null while the model is not loaded
 * @param activeRequests requests using the model now
 * @param unloadsAt when it will be unloaded if no request comes; null when not loaded, in use, or kept for good
 */
public record ModelStatus(
        String name,
        Path path,
        long fileBytes,
        Instant modified,
        EngineInfo info,
        int activeRequests,
        Instant unloadsAt) {

    public boolean loaded() {
        return info != null;
    }
}
