package dev.hearth.serve.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streamed response: server-sent events (OpenAI's {@code data: {...}} chunks) or newline-
 * delimited JSON (Ollama's). Each event is flushed at once. Writes go straight to the servlet
 * stream, past Javalin's result buffering and compression, which would hold tokens back.
 *
 * <p>A write to a client that has gone away throws {@link IOException}: the handler then cancels
 * its completions ({@link CompletionEvents#close()}), which frees their sequence slots and KV
 * blocks at the engine's next step. While a request waits in the engine's queue nothing is
 * written, so {@link #keepAlive()} (an SSE comment) is what notices a client that left by then.
 */
public final class EventStream {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final boolean sse;

    private EventStream(OutputStream out, boolean sse) {
        this.out = out;
        this.sse = sse;
    }

    /** Starts a {@code text/event-stream} response: status 200 and headers go out now. */
    public static EventStream sse(Context ctx) throws IOException {
        return open(ctx, "text/event-stream; charset=utf-8", true);
    }

    /** Starts an {@code application/x-ndjson} response: status 200 and headers go out now. */
    public static EventStream ndjson(Context ctx) throws IOException {
        return open(ctx, "application/x-ndjson", false);
    }

    private static EventStream open(Context ctx, String contentType, boolean sse) throws IOException {
        var response = ctx.res();
        response.setStatus(200);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // a reverse proxy (nginx) must not buffer the stream
        OutputStream out = response.getOutputStream();
        out.flush();
        return new EventStream(out, sse);
    }

    /** One event: {@code data: json} and a blank line, or {@code json} and a newline. */
    public void send(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (sse) {
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(bytes);
        out.write(sse ? "\n\n".getBytes(StandardCharsets.US_ASCII) : "\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** OpenAI's end of stream, {@code data: [DONE]}; nothing for NDJSON, whose last object says it is done. */
    public void done() throws IOException {
        if (sse) {
            out.write(DONE);
            out.flush();
        }
    }

    /** An SSE comment line, which clients ignore; for NDJSON, which has no comments, nothing. */
    public void keepAlive() throws IOException {
        if (sse) {
            out.write(KEEP_ALIVE);
            out.flush();
        }
    }
}
