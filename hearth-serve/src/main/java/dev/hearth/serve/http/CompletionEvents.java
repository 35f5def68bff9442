package dev.hearth.serve.http;

import dev.hearth.serve.engine.Completion;
import dev.hearth.serve.engine.CompletionListener;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.TokenOutput;
import dev.hearth.serve.registry.ModelLease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The completions of one HTTP request (one, or {@code n} of them), with their output handed from
 * the engine's thread to the request's thread.
 *
 * <p>The engine calls listeners on its own thread, and a listener that blocks holds up every other
 * request; so a listener only timestamps the token for the metrics and puts it on a queue. The
 * request's thread takes events off the queue ({@link #next}) and does the slow part (JSON,
 * writing to a socket that may be slow or gone). Events of one completion come in order; those of
 * different completions interleave, each tagged with its index (OpenAI's {@code choices[i].index}).
 *
 * <p>{@link #close()} cancels whatever has not ended: use it in a try-with-resources, so a client
 * that disconnects, an error, or an interrupted thread frees the sequences at the engine's next step.
 * One consumer thread; not for sharing.
 */
public final class CompletionEvents implements AutoCloseable {

    /** Something one completion did. */
    public sealed interface Event {
        /** Which completion: the position of its request in {@link #submit}'s list. */
        int index();
    }

    /** A token was generated. */
    public record Token(int index, TokenOutput output) implements Event {}

    /** The completion ended; no more events for this index. */
    public record Done(int index, CompletionResult result) implements Event {}

    /** The completion failed; no more events for this index. */
    public record Failed(int index, Throwable error) implements Event {}

    /** A completion's whole output, for answers that are not streamed. */
    public record Outcome(List<TokenOutput> tokens, CompletionResult result) {}

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final List<Completion> completions;
    private final int size;
    private int ended;

    private CompletionEvents(int size) {
        this.size = size;
        this.completions = new ArrayList<>(size);
    }

    /**
     * Submits {@code requests} to the leased model's engine. If one is refused, those already
     * submitted are cancelled and the refusal is thrown.
     *
     * @throws dev.hearth.serve.engine.EngineOverloadedException when the engine's queue is full
     * @throws dev.hearth.serve.engine.ContextLengthExceededException when a prompt does not fit
     */
    public static CompletionEvents submit(ApiContext context, ModelLease lease, List<CompletionRequest> requests) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no completions to submit");
        }
        ServerMetrics.ModelMetrics metrics = context.metrics().model(lease.name());
        CompletionEvents events = new CompletionEvents(requests.size());
        try {
            for (int i = 0; i < requests.size(); i++) {
                CompletionRequest request = requests.get(i);
                Listener listener = events.new Listener(i, metrics, System.nanoTime());
                events.completions.add(lease.engine().submit(request, listener));
                metrics.promptTokens.add(request.prompt().length);
            }
        } catch (RuntimeException e) {
            events.close();
            throw e;
        }
        return events;
    }

    /** How many completions there are. */
    public int size() {
        return size;
    }

    /** Whether every completion has ended (its {@link Done} or {@link Failed} was taken). */
    public boolean finished() {
        return ended == size;
    }

    /** The next event, waiting up to {@code timeout}; null if none came by then. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (event instanceof Done || event instanceof Failed) {
            ended++;
        }
        return event;
    }

    /**
     * Waits for every completion to end and returns their outputs by index.
     *
     * @throws RuntimeException the first failure (the others are cancelled)
     */
    public List<Outcome> awaitAll() throws InterruptedException {
        List<List<TokenOutput>> tokens = new ArrayList<>(size);
        List<Outcome> outcomes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            tokens.add(new ArrayList<>());
            outcomes.add(null);
        }
        while (!finished()) {
            switch (next(Duration.ofDays(1))) {
                case Token t -> tokens.get(t.index()).add(t.output());
                case Done d -> outcomes.set(d.index(), new Outcome(tokens.get(d.index()), d.result()));
                case Failed f -> throw asRuntime(f.error());
                case null -> { }
            }
        }
        return outcomes;
    }

    /** {@code error} as thrown from a request thread: runtime exceptions as they are, others wrapped. */
    private static RuntimeException asRuntime(Throwable error) {
        return error instanceof RuntimeException r ? r : new IllegalStateException("the completion failed: " + error, error);
    }

    /** Cancels every completion that has not ended (a finished one ignores it). */
    @Override
    public void close() {
        for (Completion completion : completions) {
            completion.cancel();
        }
    }

    /** Runs on the engine's thread: timestamps, counts, queues; never blocks. */
    private final class Listener implements CompletionListener {
        private final int index;
        private final ServerMetrics.ModelMetrics metrics;
        private final long submittedNanos;
        private long lastTokenNanos = -1;

        Listener(int index, ServerMetrics.ModelMetrics metrics, long submittedNanos) {
            this.index = index;
            this.metrics = metrics;
            this.submittedNanos = submittedNanos;
        }

        @Override
        public void onToken(TokenOutput output) {
            if (output.token() == TokenOutput.END) { // held-back text let go at the end: no token was generated
                queue.add(new Token(index, output));
                return;
            }
            long now = System.nanoTime();
            if (lastTokenNanos < 0) {
                metrics.timeToFirstToken.observe((now - submittedNanos) / 1e9);
            } else {
                metrics.interTokenLatency.observe((now - lastTokenNanos) / 1e9);
            }
            lastTokenNanos = now;
            metrics.generatedTokens.increment();
            queue.add(new Token(index, output));
        }

        @Override
        public void onComplete(CompletionResult result) {
            queue.add(new Done(index, result));
        }

        @Override
        public void onError(Throwable error) {
            queue.add(new Failed(index, error));
        }
    }
}
