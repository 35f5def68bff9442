package dev.hearth.serve.ollama;

import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelStatus;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hearth's model names as Ollama spells them. Ollama names a model {@code name:tag}, and a name
 * given without a tag means the tag {@code latest}; Hearth names a model after its file
 * ({@code stories260K}) or as its operator chose ({@code NAME=PATH}). So a Hearth name without a
 * colon is listed as {@code name:latest}, and requests may say either {@code name} or
 * {@code name:latest}; a Hearth name with a colon ({@code qwen2.5:0.5b}) is its own Ollama name.
 */
final class ModelNames {
    private static final String LATEST = ":latest";

    private ModelNames() {}

    /** How Ollama's API lists the model Hearth calls {@code hearthName}. */
    static String ollamaName(String hearthName) {
        return hearthName.indexOf(':') >= 0 ? hearthName : hearthName + LATEST;
    }

    /**
     * The Hearth name of the model a request asks for.
     *
     * @throws ApiException 404, in Ollama's words, when no served model has that name
     */
    static String resolve(ModelRegistry registry, String requested) {
        Set<String> served = registry.models().stream().map(ModelStatus::name).collect(Collectors.toSet());
        if (served.contains(requested)) {
            return requested;
        }
        if (requested.endsWith(LATEST)) {
            String bare = requested.substring(0, requested.length() - LATEST.length());
            if (served.contains(bare)) {
                return bare;
            }
        }
        throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                "model '" + requested + "' not found", 0);
    }
}
