package dev.hearth.serve.registry;

import dev.hearth.serve.engine.EngineOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ModelRegistry} loads and unloads models.
 *
 * @param engine the options every model's engine is opened with (its name is set per model)
 * @param keepAlive how long a model stays loaded after its last request ends; zero unloads it at
 *     once, a negative duration keeps it loaded until the server stops
 * @param memoryBudget the most bytes the loaded models may take together, counting each model's
 *     file (mapped weights) and KV cache; before a model is loaded it is counted as its file plus
 *     the whole KV budget of {@code engine}
 */
public record RegistryOptions(EngineOptions engine, Duration keepAlive, long memoryBudget) {

    public RegistryOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (memoryBudget <= 0) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudget);
        }
    }
}
