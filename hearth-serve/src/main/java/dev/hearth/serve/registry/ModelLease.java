package dev.hearth.serve.registry;

import dev.hearth.serve.engine.InferenceEngine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model in use by one request: while a lease is open the registry neither unloads nor evicts the
 * model. Close it when the request ends (after the last streamed token), in a
 * try-with-resources. Closing twice does nothing.
 */
public final class ModelLease implements AutoCloseable {
    private final ModelRegistry registry;
    private final ModelRegistry.Entry entry;
    private final InferenceEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(ModelRegistry registry, ModelRegistry.Entry entry, InferenceEngine engine) {
        this.registry = registry;
        this.entry = entry;
        this.engine = engine;
    }

    /** The name the client asked for. */
    public String name() {
        return entry.source.name();
    }

    public InferenceEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.release(entry);
        }
    }
}
