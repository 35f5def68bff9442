package dev.hearth.serve.registry;

import dev.hearth.serve.engine.EngineInfo;
import dev.hearth.serve.engine.EngineStats;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.engine.LoraAdapterFile;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models one server offers, each opened on first use and closed again after
 * {@link RegistryOptions#keepAlive()} without requests, with the loaded ones kept within
 * {@link RegistryOptions#memoryBudget()}.
 *
 * <p>Requests take a {@link ModelLease}; a model with open leases is never unloaded. When a model
 * must be loaded and the budget has no room, the idle models (no open lease) are unloaded, least
 * recently used first; if that is not enough, {@link #acquire} fails with
 * {@link ModelUnavailableException} (a 503) rather than overrun the budget.
 *
 * <p>Thread-safe. One lock guards the bookkeeping; loading a model (seconds) and closing one run
 * outside it, so requests to loaded models never wait for another model's load. Concurrent first
 * requests for one model load it once: the first starts the load, the others wait for it.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    /** Retry-After when every loaded model is busy: about one short request's time. */
    private static final int BUSY_RETRY_SECONDS = 5;

    private final Map<String, Entry> entries;
    private final RegistryOptions options;
    private final EngineOpener opener;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService sweeper;
    private long usedBytes; // guarded by this
    private boolean stopping; // guarded by this

    /** A model's bookkeeping; every field but the final ones is guarded by the registry. */
    static final class Entry {
        final ModelSource source;
        final long fileBytes;
        final Instant modified;
        InferenceEngine engine; // null while not loaded
        CompletableFuture<InferenceEngine> loading;
        long bytes; // reserved while loading, then measured
        int inUse;
        long lastUsedNanos;

        Entry(ModelSource source, long fileBytes, Instant modified) {
            this.source = source;
            this.fileBytes = fileBytes;
            this.modified = modified;
        }
    }

    ModelRegistry(List<ModelSource> sources, RegistryOptions options, EngineOpener opener, LongSupplier nanoTime,
                  boolean sweep) throws IOException {
        this.options = options;
        this.opener = opener;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>();
        for (ModelSource source : sources) {
            Entry entry = new Entry(source, Files.size(source.path()),
                    Files.getLastModifiedTime(source.path()).toInstant());
            if (entries.putIfAbsent(source.name(), entry) != null) {
                throw new IllegalArgumentException("two models are named '" + source.name() + "': "
                        + entries.get(source.name()).source.path() + " and " + source.path() + " (name one with NAME=PATH)");
            }
        }
        this.sweeper = sweep && !options.keepAlive().isNegative() && !options.keepAlive().isZero() ? startSweeper() : null;
    }

    /**
     * A registry of {@code sources}, none loaded yet.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if two models have one name
     */
    public static ModelRegistry create(List<ModelSource> sources, RegistryOptions options, EngineOpener opener)
            throws IOException {
        return new ModelRegistry(sources, options, opener, System::nanoTime, true);
    }

    /** The LoRA adapters requests may choose, by id: those of the engine options. */
    public List<LoraAdapterFile> loraAdapters() {
        return options.engine().loraAdapters();
    }

    /** Every served model, in the order given. */
    public synchronized List<ModelStatus> models() {
        long now = nanoTime.getAsLong();
        Instant wallNow = Instant.now();
        List<ModelStatus> list = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            EngineInfo info = e.engine == null ? null : e.engine.info();
            Instant unloadsAt = null;
            if (e.engine != null && e.inUse == 0 && !options.keepAlive().isNegative()) {
                long left = Math.max(0, options.keepAlive().toNanos() - (now - e.lastUsedNanos));
                unloadsAt = wallNow.plusNanos(left);
            }
            list.add(new ModelStatus(e.source.name(), e.source.path(), e.fileBytes, e.modified, info, e.inUse, unloadsAt));
        }
        return list;
    }

    /**
     * The model for one request, loading it first if it is not loaded (which may take seconds;
     * other callers for the same model wait for the same load).
     *
     * @throws UnknownModelException if no model has this name
     * @throws ModelUnavailableException if the memory budget has no room now, or the registry is stopping
     * @throws ModelLoadFailedException if the file could not be opened
     */
    public ModelLease acquire(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new UnknownModelException(name);
        }
        CompletableFuture<InferenceEngine> load;
        boolean loadHere = false;
        List<InferenceEngine> evicted;
        synchronized (this) {
            if (stopping) {
                throw new ModelUnavailableException("the server is shutting down", BUSY_RETRY_SECONDS);
            }
            entry.inUse++;
            if (entry.engine != null) {
                return new ModelLease(this, entry, entry.engine);
            }
            evicted = List.of();
            if (entry.loading == null) {
                long estimate = entry.fileBytes + options.engine().kvMemoryBudget();
                try {
                    evicted = makeRoom(entry, estimate);
                } catch (ModelUnavailableException e) {
                    entry.inUse--;
                    throw e;
                }
                entry.bytes = estimate;
                usedBytes += estimate;
                entry.loading = new CompletableFuture<>();
                loadHere = true;
            }
            load = entry.loading;
        }
        closeAll(evicted);
        if (loadHere) {
            load(entry, load);
        }
        try {
            return new ModelLease(this, entry, load.join());
        } catch (CompletionException e) {
            synchronized (this) {
                entry.inUse--;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void load(Entry entry, CompletableFuture<InferenceEngine> load) {
        String name = entry.source.name();
        InferenceEngine engine;
        try {
            engine = opener.open(entry.source.path(), options.engine().withName(name));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not load model '{}' from {}", name, entry.source.path(), e);
            synchronized (this) {
                usedBytes -= entry.bytes;
                entry.bytes = 0;
                entry.loading = null;
            }
            load.completeExceptionally(new ModelLoadFailedException(name, e));
            return;
        }
        List<InferenceEngine> toClose;
        boolean stoppedMeanwhile;
        synchronized (this) {
            stoppedMeanwhile = stopping; // closed while this model loaded: nobody would close it later
            if (stoppedMeanwhile) {
                usedBytes -= entry.bytes;
                entry.bytes = 0;
                toClose = List.of(engine);
            } else {
                EngineInfo info = engine.info();
                long measured = info.fileBytes() + info.kvBytes();
                usedBytes += measured - entry.bytes;
                entry.bytes = measured;
                entry.engine = engine;
                entry.lastUsedNanos = nanoTime.getAsLong();
                long over = usedBytes - options.memoryBudget();
                toClose = over > 0 ? evictIdle(entry, over) : List.of();
            }
            entry.loading = null;
        }
        closeAll(toClose);
        if (stoppedMeanwhile) {
            load.completeExceptionally(new ModelUnavailableException("the server is shutting down", BUSY_RETRY_SECONDS));
        } else {
            load.complete(engine);
        }
    }

    /** Unloads idle models until {@code bytes} more fit; throws, unloading nothing, when they cannot. */
    private List<InferenceEngine> makeRoom(Entry forEntry, long bytes) {
        long budget = options.memoryBudget();
        if (bytes > budget) {
            throw new ModelUnavailableException("the model '" + forEntry.source.name() + "' needs about " + mib(bytes)
                    + " MiB (file and KV cache), more than the server's whole memory budget of " + mib(budget)
                    + " MiB; the operator must raise --memory-budget or lower --kv-budget", BUSY_RETRY_SECONDS);
        }
        long over = usedBytes + bytes - budget;
        if (over <= 0) {
            return List.of();
        }
        long idle = entries.values().stream().filter(e -> e != forEntry && isIdle(e)).mapToLong(e -> e.bytes).sum();
        if (idle < over) {
            throw new ModelUnavailableException("no room to load the model '" + forEntry.source.name() + "' ("
                    + mib(bytes) + " MiB) within the memory budget of " + mib(budget) + " MiB: the loaded models are busy;"
                    + " try again shortly", BUSY_RETRY_SECONDS);
        }
        return evictIdle(forEntry, over);
    }

    /** Unloads idle models other than {@code keep}, least recently used first, until {@code over} bytes are freed or none is left. */
    private List<InferenceEngine> evictIdle(Entry keep, long over) {
        List<Entry> idle = entries.values().stream().filter(e -> e != keep && isIdle(e))
                .sorted(Comparator.comparingLong(e -> e.lastUsedNanos)).toList();
        List<InferenceEngine> evicted = new ArrayList<>();
        for (Entry e : idle) {
            if (over <= 0) {
                break;
            }
            over -= e.bytes;
            evicted.add(unload(e));
        }
        return evicted;
    }

    private static boolean isIdle(Entry e) {
        return e.engine != null && e.inUse == 0;
    }

    /** Forgets {@code e}'s engine and returns it, for the caller to close outside the lock. */
    private InferenceEngine unload(Entry e) {
        InferenceEngine engine = e.engine;
        usedBytes -= e.bytes;
        e.bytes = 0;
        e.engine = null;
        LOG.info("unloading model '{}'", e.source.name());
        return engine;
    }

    void release(Entry entry) {
        InferenceEngine unloaded = null;
        synchronized (this) {
            entry.inUse--;
            entry.lastUsedNanos = nanoTime.getAsLong();
            if (entry.inUse == 0 && entry.engine != null && options.keepAlive().isZero()) {
                unloaded = unload(entry);
            }
        }
        if (unloaded != null) {
            closeAll(List.of(unloaded));
        }
    }

    /** Unloads the models idle for longer than the keep-alive; the sweeper runs it, tests call it. */
    void unloadIdle() {
        if (options.keepAlive().isNegative()) {
            return;
        }
        List<InferenceEngine> unloaded = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            long keepAlive = options.keepAlive().toNanos();
            for (Entry e : entries.values()) {
                if (isIdle(e) && now - e.lastUsedNanos >= keepAlive) {
                    unloaded.add(unload(e));
                }
            }
        }
        closeAll(unloaded);
    }

    /** The counters and gauges of each loaded model's engine, by model name. */
    public Map<String, EngineStats> stats() {
        Map<String, InferenceEngine> engines = new LinkedHashMap<>();
        synchronized (this) {
            entries.forEach((name, e) -> {
                if (e.engine != null) {
                    engines.put(name, e.engine);
                }
            });
        }
        Map<String, EngineStats> stats = new LinkedHashMap<>();
        engines.forEach((name, engine) -> {
            try {
                stats.put(name, engine.stats());
            } catch (RuntimeException e) { // unloaded and closed since: no stats to report
                LOG.debug("no stats for '{}'", name, e);
            }
        });
        return stats;
    }

    /** Bytes the loaded (and loading) models take, as the budget counts them. */
    public synchronized long usedBytes() {
        return usedBytes;
    }

    public long memoryBudget() {
        return options.memoryBudget();
    }

    /**
     * Stops lending models, then lets every loaded engine finish its requests for up to
     * {@code deadline} ({@link InferenceEngine#shutdown}, all engines at once) before they cancel
     * the rest. Returns when every engine has stopped; the engines stay open until {@link #close}.
     */
    public void shutdown(Duration deadline) {
        List<InferenceEngine> engines = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            entries.values().stream().filter(e -> e.engine != null).forEach(e -> engines.add(e.engine));
        }
        List<Thread> threads = engines.stream()
                .map(engine -> Thread.ofVirtual().name("hearth-shutdown-" + engine.info().name())
                        .start(() -> engine.shutdown(deadline)))
                .toList();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Closes every engine (cancelling what still runs) and stops the idle sweeper. */
    @Override
    public void close() {
        List<InferenceEngine> engines = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            entries.values().stream().filter(e -> e.engine != null).forEach(e -> engines.add(unload(e)));
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        closeAll(engines);
    }

    private ScheduledExecutorService startSweeper() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("hearth-model-sweeper").daemon().factory());
        long period = Math.clamp(options.keepAlive().toMillis() / 4, 100, 30_000);
        executor.scheduleWithFixedDelay(this::unloadIdle, period, period, TimeUnit.MILLISECONDS);
        return executor;
    }

    private static void closeAll(List<InferenceEngine> engines) {
        for (InferenceEngine engine : engines) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the engine of '{}' failed", engine.info().name(), e);
            }
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
