package dev.hearth.serve.http;

import dev.hearth.serve.registry.ModelRegistry;

/**
 * What a server gives the {@link Api}s it hosts: the models, the request limits, and (to
 * {@link CompletionEvents}) the metrics.
 */
public final class ApiContext {
    private final ModelRegistry registry;
    private final Limits limits;
    private final ServerMetrics metrics;

    ApiContext(ModelRegistry registry, Limits limits, ServerMetrics metrics) {
        this.registry = registry;
        this.limits = limits;
        this.metrics = metrics;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public Limits limits() {
        return limits;
    }

    ServerMetrics metrics() {
        return metrics;
    }
}
