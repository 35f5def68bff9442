package dev.hearth.serve.http;

import dev.hearth.serve.registry.ModelRegistry;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HearthServer} on Javalin (Jetty), one virtual thread per request: a streaming request
 * spends its life waiting for tokens, and thousands of waiting virtual threads cost little.
 */
final class JavalinServer implements HearthServer {
    private static final Logger LOG = LoggerFactory.getLogger(JavalinServer.class);
    private static final String COUNTED = "hearth.inFlight";
    /**
     * After the engines have stopped, how long responses get to be written to the end (the last
     * events, the final chunk) before Jetty closes their connections.
     */
    private static final Duration FINAL_WRITE_GRACE = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final ModelRegistry registry;
    private final List<Api> apis; // longest prefix first, so /api/x is not taken for / x
    private final Consumer<String> requestLog;
    private final ServerMetrics metrics = new ServerMetrics();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Javalin app;
    private volatile boolean stopping;
    private volatile int port = -1; // kept: once stopped, the connector no longer knows it
    private boolean stopped; // guarded by this

    JavalinServer(ServerConfig config, ModelRegistry registry, List<Api> apis, Consumer<String> requestLog) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.apis = apis.stream().sorted(Comparator.comparingInt((Api a) -> a.pathPrefix().length()).reversed()).toList();
        this.requestLog = Objects.requireNonNull(requestLog, "requestLog");
        ApiContext context = new ApiContext(registry, config.limits(), metrics);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.startup.startupWatcherEnabled = false;
            c.concurrency.useVirtualThreads = true;
            // JSON bodies are held to maxBodyBytes as they are read (Fields.readBody); only uploads come near this
            c.http.maxRequestSize = Math.max(config.limits().maxBodyBytes(), config.limits().maxUploadBytes());
            c.jetty.multipartConfig.maxTotalRequestSize(config.limits().maxUploadBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.limits().maxUploadBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            c.http.compressionStrategy = CompressionStrategy.NONE; // small JSON answers; streams must not be buffered
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            // Jetty knows when a response has been written out to its last byte (the handler's return is
            // earlier): on stop, its GracefulHandler waits for that, up to the server's stop timeout
            c.jetty.modifyServer(server -> {
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(FINAL_WRITE_GRACE.toMillis());
            });
            c.routes.before(this::admit);
            c.routes.beforeMatched(this::authenticate);
            c.routes.after(this::release);
            c.routes.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
            c.routes.get("/metrics", ctx -> ctx.contentType(PrometheusText.CONTENT_TYPE)
                    .result(metrics.render(registry, inFlight.get())));
            for (Api api : this.apis) {
                api.addRoutes(c.routes, context);
            }
            c.routes.exception(Exception.class, this::renderError);
            c.routes.exception(io.javalin.http.HttpResponseException.class, this::renderError);
            c.requestLogger.http(this::log);
        });
    }

    @Override
    public HearthServer start() {
        try {
            app.start();
            port = app.port();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getMessage() == null ? e : e.getMessage()), e);
        }
        return this;
    }

    @Override
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the server has not been started");
        }
        return port;
    }

    @Override
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        stopping = true;
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                network.close(); // no new connections; open ones stay, and get 503s
            }
        }
        registry.shutdown(config.shutdownTimeout()); // requests finish, or are cancelled at the deadline
        try {
            app.stop(); // waits for the responses to be written out (FINAL_WRITE_GRACE at most)
        } catch (RuntimeException e) { // Jetty has stopped all the same, closing what was still open
            LOG.info("responses still being written after {} were cut short", FINAL_WRITE_GRACE, e);
        }
    }

    /** Counts the request in flight (a gauge of /metrics), and refuses it if the server is stopping. */
    private void admit(Context ctx) {
        inFlight.incrementAndGet();
        ctx.attribute(COUNTED, Boolean.TRUE);
        if (stopping) {
            ctx.header("Connection", "close");
            throw ApiException.unavailable("the server is shutting down", 1);
        }
    }

    private void release(Context ctx) {
        if (ctx.attribute(COUNTED) != null) {
            ctx.attribute(COUNTED, null);
            inFlight.decrementAndGet();
        }
    }

    /** Runs for requests that match a route, so an unknown path is a 404 with or without a key. */
    private void authenticate(Context ctx) {
        String path = ctx.path();
        if (!config.apiKeys().required() || path.equals("/health") || apiFor(path).map(a -> a.isPublic(path)).orElse(false)) {
            return;
        }
        String key = ApiKeys.bearer(ctx.header("Authorization"));
        if (key == null) {
            throw new ApiException(401, "invalid_request_error", "missing_api_key", null,
                    "this server requires an API key: send the header 'Authorization: Bearer YOUR_KEY'", 0);
        }
        if (!config.apiKeys().accepts(key)) {
            throw new ApiException(401, "invalid_request_error", "invalid_api_key", null, "the API key is not valid", 0);
        }
    }

    private void renderError(Exception error, Context ctx) {
        ApiException api = Errors.toApi(error);
        if (ctx.res().isCommitted()) {
            return; // a stream already under way: the handler ends it its own way
        }
        ctx.status(api.status());
        if (api.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(api.retryAfterSeconds()));
        }
        if (api.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.contentType("application/json").result(formatFor(ctx.path()).body(api));
    }

    private ErrorFormat formatFor(String path) {
        return apiFor(path).map(Api::errorFormat).orElse(ErrorFormat.OPENAI);
    }

    /** The API whose prefix is the longest one {@code path} starts with. */
    private Optional<Api> apiFor(String path) {
        for (Api api : apis) {
            String prefix = api.pathPrefix();
            if (prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/")) {
                return Optional.of(api);
            }
        }
        return Optional.empty();
    }

    private void log(Context ctx, Float millis) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null || endpoint.path.isEmpty() ? ServerMetrics.UNMATCHED : endpoint.path;
        String method = ctx.method().name();
        metrics.request(method, route, ctx.statusCode());
        requestLog.accept(String.format(Locale.ROOT, "%s %s %d %.0fms", method, printable(ctx.path()), ctx.statusCode(), millis));
    }

    /** The path with control characters replaced, so a crafted URL cannot forge log lines. */
    private static String printable(String path) {
        StringBuilder sb = new StringBuilder(Math.min(path.length(), 200));
        path.codePoints().limit(200).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
