package dev.hearth.serve.engine;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.generate.EndOfGeneration;
import dev.hearth.model.generate.PromptDecoder;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvBlockPool;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.sampling.Candidates;
import dev.hearth.model.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Continuous batching over one model, on one engine thread: each step admits waiting requests
 * while slots and KV blocks allow, puts every active request's next tokens in one {@link Batch}
 * (one token for each decoding request, a prompt chunk for each prefilling one, up to the step's
 * token budget), runs it through the model once, and samples a token for every request whose
 * logits are ready. Requests join and leave between steps.
 *
 * <p>Memory: one {@link KvBlockPool} for all requests, with prefix reuse. A request is admitted
 * only when the blocks for its whole length (prompt plus {@code max_tokens}, within the context)
 * can be reserved, so an admitted request never runs out of memory; until then it waits, first
 * come first served. The waiting line is bounded: a full line refuses new requests at once.
 *
 * <p>LoRA: each request applies the server's adapters it chose ({@link LoraChoice}), of those that
 * fit this model; its cache holds them, so a step mixes requests with different adapters, and the
 * prefix cache is shared only between requests with the same choice.
 */
final class BatchingEngine implements InferenceEngine {
    private static final long IDLE_PARK_NANOS = 50_000_000L;

    private final Backend backend;
    private final Model model;
    private final KvBlockPool pool;
    private final EngineOptions options;
    private final EngineInfo info;
    private final ChatPrompt chatPrompt;
    private final EndOfGeneration endTokens;
    private final Logprobs logprobs;
    private final int vocabularySize;
    private final Pooling pooling;
    private final String[] loraUnfit; // why the adapter of each id does not apply to this model; null where it does

    private final ConcurrentLinkedQueue<Sequence> incoming = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>(); // embeddings, between steps
    private final AtomicInteger queued = new AtomicInteger(); // incoming plus waiting
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();  // engine thread only
    private final List<Sequence> active = new ArrayList<>();        // engine thread only
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private final AtomicInteger activeCount = new AtomicInteger(); // admitted and not yet released

    // buffers of the step, engine thread only
    private final Batch batch = new Batch();
    private final List<Sequence> inBatch = new ArrayList<>();
    private final float[] logits;
    private final float[] row;
    private final Candidates candidates;

    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong cachedPromptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong prefixCacheHits = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();

    private BatchingEngine(Backend backend, Model model, KvBlockPool pool, EngineOptions options, EngineInfo info,
                           String[] loraUnfit) {
        this.backend = backend;
        this.model = model;
        this.pool = pool;
        this.options = options;
        this.info = info;
        this.chatPrompt = ChatPrompt.forModel(model);
        this.endTokens = EndOfGeneration.of(model);
        this.logprobs = new Logprobs(model.tokenizer());
        this.vocabularySize = model.info().vocabularySize();
        this.pooling = Pooling.of(model.metadata(), model.info().architecture(), Pooling.MEAN);
        this.loraUnfit = loraUnfit;
        this.logits = new float[options.maxSequences() * vocabularySize];
        this.row = new float[vocabularySize];
        this.candidates = new Candidates(vocabularySize);
        this.thread = Thread.ofPlatform().name("hearth-engine-" + info.name()).daemon(true).unstarted(this::loop);
    }

    /**
     * @param summary the file's header, read once by {@link InferenceEngines#open}
     * @param fileType the weights' main type, as llama.cpp names it
     */
    static InferenceEngine open(Path path, EngineOptions options, GgufSummary summary, String fileType) throws IOException {
        Backend backend = Backend.cpu(options.threads());
        Model model = null;
        KvBlockPool pool = null;
        try {
            model = Models.open(path, ModelOptions.defaults().withKernels(backend.kernels())
                    .withBatchSize(options.maxBatchTokens()).withKvPrecision(options.kvPrecision()));
            pool = model.newBlockPool(options.kvMemoryBudget(), options.kvBlockSize(), options.kvPrecision());
            int fits = pool.blocks() * pool.blockSize();
            int context = Math.min(options.contextLength() == 0 ? model.info().contextLength() : options.contextLength(), fits);
            if (options.contextLength() > model.info().contextLength()) {
                throw new IllegalArgumentException("a context of " + options.contextLength()
                        + " positions was asked for; " + path.getFileName() + " allows at most "
                        + model.info().contextLength());
            }
            String name = options.name() != null ? options.name() : baseName(path);
            EngineInfo info = new EngineInfo(name, path, model.info().architecture(), fileType,
                    summary.parameterCount(), summary.fileSize(), context, model.info().vocabularySize(),
                    model.info().embeddingLength(),
                    pool.byteSize(), options.maxSequences());
            BatchingEngine engine = new BatchingEngine(backend, model, pool, options, info, loraUnfit(model, options));
            engine.thread.start();
            return engine;
        } catch (RuntimeException | Error e) {
            if (pool != null) {
                pool.close();
            }
            if (model != null) {
                model.close();
            }
            backend.close();
            throw e;
        }
    }

    /** For each of the server's adapters, why it does not apply to {@code model}, or null where it does. */
    private static String[] loraUnfit(Model model, EngineOptions options) {
        List<LoraAdapterFile> files = options.loraAdapters();
        String[] unfit = new String[files.size()];
        for (int id = 0; id < unfit.length; id++) {
            try {
                model.lora(List.of(new ScaledLora(files.get(id).adapter(), 1)));
            } catch (ModelLoadException e) {
                unfit[id] = e.getMessage();
            }
        }
        return unfit;
    }

    static String baseName(Path path) {
        String file = path.getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public ChatPrompt chatPrompt() {
        return chatPrompt;
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        int[] prompt = request.prompt();
        if (prompt.length + 1 > info.contextLength()) {
            throw new ContextLengthExceededException(prompt.length, info.contextLength());
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocabularySize) {
                throw new IllegalArgumentException("token id " + prompt[i] + " at index " + i
                        + " is outside the vocabulary of " + vocabularySize);
            }
        }
        LoraSet lora = lora(request.lora());
        if (!accepting) {
            throw new EngineOverloadedException("the server is shutting down", 5);
        }
        if (queued.incrementAndGet() > options.maxQueue() + Math.max(0, options.maxSequences() - activeCount.get())) {
            queued.decrementAndGet();
            throw new EngineOverloadedException(info.name() + " has " + options.maxQueue()
                    + " requests waiting already; try again shortly", 1);
        }
        Sequence sequence = new Sequence(request, listener, info.contextLength(), lora);
        promptTokens.addAndGet(prompt.length);
        incoming.add(sequence);
        LockSupport.unpark(thread);
        return new Completion() {
            @Override
            public void cancel() {
                sequence.cancel();
                LockSupport.unpark(thread);
            }

            @Override
            public CompletableFuture<CompletionResult> result() {
                return sequence.result();
            }
        };
    }

    /**
     * The adapters {@code choice} applies: the server's defaults that fit this model, or those it
     * names, in id order (so equal choices give equal sets, which share cached prefixes).
     */
    private LoraSet lora(LoraChoice choice) {
        List<LoraAdapterFile> files = options.loraAdapters();
        List<ScaledLora> applied = new ArrayList<>();
        if (choice.serverDefaults()) {
            for (int id = 0; id < files.size(); id++) {
                if (loraUnfit[id] == null) {
                    applied.add(new ScaledLora(files.get(id).adapter(), files.get(id).scale()));
                }
            }
            return model.lora(applied);
        }
        for (Map.Entry<Integer, Float> e : new TreeMap<>(choice.scales()).entrySet()) {
            int id = e.getKey();
            if (id < 0 || id >= files.size()) {
                throw new LoraAdapterException("no LoRA adapter has id " + id + "; this server has " + files.size()
                        + (files.isEmpty() ? "" : " (ids 0 to " + (files.size() - 1) + ")") + ", which GET /lora-adapters lists");
            }
            if (e.getValue() != 0 && loraUnfit[id] != null) {
                throw new LoraAdapterException("LoRA adapter " + id + " (" + files.get(id).path() + ") does not apply to "
                        + info.name() + ": " + loraUnfit[id]);
            }
            applied.add(new ScaledLora(files.get(id).adapter(), e.getValue()));
        }
        return model.lora(applied);
    }

    @Override
    public List<float[]> embed(List<int[]> inputs) {
        EmbeddingEngine.checkInputs(inputs, info.contextLength(), accepting);
        FutureTask<List<float[]>> task = new FutureTask<>(() -> {
            List<float[]> vectors = new ArrayList<>(inputs.size());
            for (int[] input : inputs) {
                vectors.add(model.embed(input, pooling));
            }
            return vectors;
        });
        tasks.add(task);
        LockSupport.unpark(thread);
        try {
            return task.get();
        } catch (InterruptedException e) {
            task.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embeddings", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(queued.get(), activeCount.get(), pool.blocks(), pool.used(), pool.cachedBlocks(),
                promptTokens.get(), cachedPromptTokens.get(), generatedTokens.get(), prefixCacheHits.get(), steps.get());
    }

    @Override
    public void shutdown(Duration deadline) {
        accepting = false;
        long end = System.nanoTime() + deadline.toNanos();
        while (thread.isAlive() && (queued.get() > 0 || activeCount.get() > 0) && System.nanoTime() < end) {
            LockSupport.parkNanos(10_000_000L);
        }
        running = false; // the loop cancels what is left, then exits
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        pool.close();
        model.close();
        backend.close();
    }

    // ---- the engine thread

    private void loop() {
        while (running) {
            for (FutureTask<?> task; (task = tasks.poll()) != null; ) {
                task.run();
            }
            takeIncoming();
            dropCancelled();
            admit();
            if (active.isEmpty()) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                continue;
            }
            step();
        }
        for (FutureTask<?> task; (task = tasks.poll()) != null; ) {
            task.cancel(false);
        }
        takeIncoming();
        for (Sequence sequence : waiting) {
            sequence.end(StopReason.CANCELLED);
        }
        waiting.clear();
        for (Sequence sequence : active) {
            sequence.end(StopReason.CANCELLED);
        }
        active.clear();
        queued.set(0);
    }

    private void takeIncoming() {
        for (Sequence s; (s = incoming.poll()) != null; ) {
            waiting.add(s);
        }
    }

    private void dropCancelled() {
        waiting.removeIf(s -> {
            if (s.cancelled()) {
                queued.decrementAndGet();
                finish(s, StopReason.CANCELLED);
                return true;
            }
            return false;
        });
        active.removeIf(s -> s.cancelled() && finish(s, StopReason.CANCELLED));
    }

    /** Admits waiting requests, oldest first, while there are slots and their blocks can be reserved. */
    private void admit() {
        while (!waiting.isEmpty() && active.size() < options.maxSequences()) {
            Sequence next = waiting.peek();
            KvCache cache = pool.newSequence(next.maxPositions, next.prompt, next.lora);
            if (cache == null) {
                break; // waits for a request to finish and give its blocks back
            }
            waiting.poll();
            queued.decrementAndGet();
            next.admit(cache, PromptDecoder.primed(model.tokenizer(), next.prompt), activeCount::decrementAndGet);
            activeCount.incrementAndGet();
            if (cache.size() > 0) {
                prefixCacheHits.incrementAndGet();
                cachedPromptTokens.addAndGet(cache.size());
            }
            active.add(next);
        }
    }

    /** One forward pass over every active request, then a token for each that has logits. */
    private void step() {
        batch.clear();
        inBatch.clear();
        int budget = options.maxBatchTokens();
        for (Sequence s : active) { // decoding requests first: one token each, so they never stall
            if (s.decoding()) {
                budget -= s.addTo(batch, 1);
                inBatch.add(s);
            }
        }
        for (Sequence s : active) { // then prompt chunks, oldest request first
            if (!s.decoding() && budget > 0) {
                budget -= s.addTo(batch, Math.min(budget, options.prefillChunk()));
                inBatch.add(s);
            }
        }
        try {
            model.forward(batch, logits);
        } catch (RuntimeException e) {
            for (Sequence s : inBatch) {
                s.fail(e);
            }
            active.removeAll(inBatch);
            return;
        }
        steps.incrementAndGet();
        for (int i = 0; i < inBatch.size(); i++) {
            Sequence s = inBatch.get(i);
            if (!s.decoding()) { // a prompt chunk that did not finish the prompt
                continue;
            }
            System.arraycopy(logits, i * vocabularySize, row, 0, vocabularySize);
            boolean ended;
            try {
                int before = s.generatedCount();
                ended = s.sample(row, candidates, endTokens, logprobs);
                generatedTokens.addAndGet(s.generatedCount() - before);
            } catch (RuntimeException e) { // a listener that failed (its client went away), or a constraint
                s.fail(e);
                ended = true;
            }
            if (ended) {
                active.remove(s);
            }
        }
    }

    private boolean finish(Sequence sequence, StopReason reason) {
        try {
            sequence.end(reason);
        } catch (RuntimeException e) {
            sequence.fail(e);
        }
        return true;
    }
}
