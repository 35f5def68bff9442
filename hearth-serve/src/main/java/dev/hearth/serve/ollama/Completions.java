package dev.hearth.serve.ollama;

import dev.hearth.model.generate.StopReason;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.openai.ModelToolCalls;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.CompletionEvents;
import dev.hearth.serve.http.EventStream;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.ollama.Responses.ErrorBody;
import dev.hearth.serve.ollama.Responses.Metrics;
import dev.hearth.serve.registry.ModelLease;

import io.javalin.http.Context;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the one completion of a {@code /api/chat} or {@code /api/generate} request and answers it
 * as Ollama does: with {@code stream} (the default) one NDJSON object per piece of text as it comes
 * and a last {@code "done": true} object with the metrics; without, one JSON object at the end.
 *
 * <p>A client that goes away while its answer streams is noticed at the next write, and its
 * generation is cancelled at the engine's next step (closing {@link CompletionEvents} does that).
 * A failure after the stream has begun cannot change the status any more, so it ends the stream
 * with an {@code {"error": …}} line, as Ollama's does.
 */
final class Completions {
    private static final Logger LOG = LoggerFactory.getLogger(Completions.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    static final String JSON = "application/json; charset=utf-8";

    private Completions() {}

    /** How a route's objects look: the pieces of a stream, and the last object. */
    interface Shape {
        /** A streamed piece of the answer: text, or the calls it makes (only chat has calls). */
        Object piece(String text, List<ModelToolCalls.Part> calls);

        /**
         * The last object: the whole answer and its calls when not streamed ({@code ""} and none
         * when streamed), why it stopped ({@code stop} or {@code length}) and the metrics.
         */
        Object last(String text, List<ModelToolCalls.Part> calls, String doneReason, Metrics metrics,
                    CompletionResult result);
    }

    /**
     * When the request arrived and how long loading its model took, for the metrics.
     *
     * @param receivedNanos {@link System#nanoTime()} when the handler started
     * @param loadNanos time spent in {@link dev.hearth.serve.registry.ModelRegistry#acquire}
     */
    record Timing(long receivedNanos, long loadNanos) {}

    /**
     * @param tools reads the model's tool calls out of the answer; null when the request offers no tools
     */
    static void answer(Context ctx, ApiContext api, ModelLease lease, CompletionRequest request, boolean stream,
                       Shape shape, Timing timing, ModelToolCalls.Reader tools) throws InterruptedException {
        try (CompletionEvents events = CompletionEvents.submit(api, lease, List.of(request))) {
            if (!stream) {
                CompletionResult result = events.awaitAll().getFirst().result();
                if (result.reason() == StopReason.CANCELLED) {
                    throw ApiException.unavailable("the server stopped this generation as it shut down", 1);
                }
                String text = result.text();
                List<ModelToolCalls.Part> calls = new ArrayList<>();
                if (tools != null) {
                    List<ModelToolCalls.Part> parts = new ArrayList<>(tools.accept(text));
                    parts.addAll(tools.finish());
                    StringBuilder content = new StringBuilder();
                    for (ModelToolCalls.Part part : parts) {
                        if (part.isCall()) {
                            calls.add(part);
                        } else {
                            content.append(part.content());
                        }
                    }
                    text = content.toString();
                }
                ctx.contentType(JSON).result(Json.write(shape.last(text, calls, doneReason(result.reason()),
                        metrics(result, timing), result)));
                return;
            }
            stream(events, EventStream.ndjson(ctx), shape, timing, tools);
        } catch (IOException e) {
            LOG.debug("client went away; its generation is cancelled", e);
        }
    }

    private static void stream(CompletionEvents events, EventStream out, Shape shape, Timing timing,
                               ModelToolCalls.Reader tools) throws IOException, InterruptedException {
        while (!events.finished()) {
            switch (events.next(POLL)) {
                case CompletionEvents.Token t -> {
                    if (tools != null) {
                        send(out, shape, tools.accept(t.output().text()));
                    } else if (!t.output().text().isEmpty()) {
                        out.send(Json.write(shape.piece(t.output().text(), List.of())));
                    }
                }
                case CompletionEvents.Done d -> {
                    CompletionResult result = d.result();
                    if (tools != null && result.reason() != StopReason.CANCELLED) {
                        send(out, shape, tools.finish());
                    }
                    out.send(Json.write(result.reason() == StopReason.CANCELLED
                            ? new ErrorBody("the server stopped this generation as it shut down")
                            : shape.last("", List.of(), doneReason(result.reason()), metrics(result, timing), result)));
                }
                case CompletionEvents.Failed f -> out.send(Json.write(new ErrorBody(ApiException.of(f.error()).getMessage())));
                case null -> { }
            }
        }
    }

    /** One object per piece: text as a content piece, each call as a piece of its own. */
    private static void send(EventStream out, Shape shape, List<ModelToolCalls.Part> parts) throws IOException {
        for (ModelToolCalls.Part part : parts) {
            out.send(Json.write(part.isCall() ? shape.piece("", List.of(part)) : shape.piece(part.content(), List.of())));
        }
    }

    /** Ollama's {@code done_reason}: {@code length} when a limit cut the answer short, else {@code stop}. */
    private static String doneReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_GENERATION, STOP_STRING, CANCELLED -> "stop";
        };
    }

    private static Metrics metrics(CompletionResult result, Timing timing) {
        long prefill = nanos(result.timeToFirstTokenSeconds() - result.queueSeconds());
        return new Metrics(System.nanoTime() - timing.receivedNanos(), timing.loadNanos(), result.promptTokens(),
                Math.max(0, prefill), result.tokens().length, nanos(result.generationSeconds()));
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
