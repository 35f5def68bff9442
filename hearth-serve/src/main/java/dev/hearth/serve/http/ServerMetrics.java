package dev.hearth.serve.http;

import dev.hearth.serve.engine.EngineStats;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelStatus;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * What {@code /metrics} reports. The server counts requests; {@link CompletionEvents} counts
 * tokens and times them as the engine hands them over; the engines' own gauges and counters
 * ({@link EngineStats}: queue, active sequences, KV blocks, prefix-cache hits) are read at scrape
 * time. Engine counters start again from zero when a model is reloaded, which Prometheus's
 * {@code rate()} treats as a counter reset.
 *
 * <p>Routes are labelled by their pattern ({@code /v1/models/{id}}), and requests that match no
 * route as {@code unmatched}, so a scanner cannot grow the label set without bound.
 */
final class ServerMetrics {
    static final String UNMATCHED = "unmatched";
    private static final double[] FIRST_TOKEN_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
    private static final double[] INTER_TOKEN_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private record RequestKey(String method, String route, int status) {}

    private final ConcurrentMap<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ModelMetrics> models = new ConcurrentHashMap<>();

    /** One model's token counters and latency histograms. */
    static final class ModelMetrics {
        final LongAdder promptTokens = new LongAdder();
        final LongAdder generatedTokens = new LongAdder();
        final Histogram timeToFirstToken = new Histogram(FIRST_TOKEN_SECONDS);
        final Histogram interTokenLatency = new Histogram(INTER_TOKEN_SECONDS);
    }

    void request(String method, String route, int status) {
        requests.computeIfAbsent(new RequestKey(method, route, status), k -> new LongAdder()).increment();
    }

    ModelMetrics model(String name) {
        return models.computeIfAbsent(name, k -> new ModelMetrics());
    }

    /** The exposition text: the server's own metrics, then each served model's. */
    String render(ModelRegistry registry, int requestsInFlight) {
        PrometheusText out = new PrometheusText();
        out.family("hearth_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.");
        requests.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<RequestKey, LongAdder> e) -> e.getKey().route())
                        .thenComparing(e -> e.getKey().method()).thenComparingInt(e -> e.getKey().status()))
                .forEach(e -> out.sample("hearth_http_requests_total", e.getValue().sum(), "method", e.getKey().method(),
                        "route", e.getKey().route(), "status", Integer.toString(e.getKey().status())));
        out.family("hearth_http_requests_in_flight", "gauge", "HTTP requests being answered now.");
        out.sample("hearth_http_requests_in_flight", requestsInFlight);

        List<ModelStatus> served = registry.models();
        Map<String, EngineStats> stats = registry.stats();
        out.family("hearth_memory_budget_bytes", "gauge", "Memory the loaded models may take together (--memory-budget).");
        out.sample("hearth_memory_budget_bytes", registry.memoryBudget());
        out.family("hearth_memory_used_bytes", "gauge", "Memory the loaded models take: files and KV caches.");
        out.sample("hearth_memory_used_bytes", registry.usedBytes());
        out.family("hearth_model_loaded", "gauge", "1 when the model is loaded, 0 when not.");
        served.forEach(m -> out.sample("hearth_model_loaded", m.loaded() ? 1 : 0, "model", m.name()));

        modelCounter(out, served, "hearth_prompt_tokens_total", "Prompt tokens received (tokens in).", m -> m.promptTokens.sum());
        modelCounter(out, served, "hearth_generated_tokens_total", "Tokens generated (tokens out).", m -> m.generatedTokens.sum());
        out.family("hearth_time_to_first_token_seconds", "histogram", "Time from a completion's submission to its first token.");
        served.forEach(m -> model(m.name()).timeToFirstToken.write(out, "hearth_time_to_first_token_seconds", "model", m.name()));
        out.family("hearth_inter_token_latency_seconds", "histogram", "Time between one completion's consecutive tokens.");
        served.forEach(m -> model(m.name()).interTokenLatency.write(out, "hearth_inter_token_latency_seconds", "model", m.name()));

        engineGauge(out, stats, "hearth_queue_depth", "gauge", "Requests waiting for a sequence slot.", EngineStats::queued);
        engineGauge(out, stats, "hearth_active_sequences", "gauge", "Requests generating now.", EngineStats::active);
        engineGauge(out, stats, "hearth_kv_blocks_used", "gauge", "KV-cache blocks held by requests.", EngineStats::kvBlocksUsed);
        engineGauge(out, stats, "hearth_kv_blocks_free", "gauge", "KV-cache blocks not held by a request.",
                s -> s.kvBlocksTotal() - s.kvBlocksUsed());
        engineGauge(out, stats, "hearth_kv_blocks_cached", "gauge", "Free KV-cache blocks that still hold a reusable prompt prefix.",
                EngineStats::kvBlocksCached);
        engineGauge(out, stats, "hearth_prefix_cache_hits_total", "counter", "Requests that reused at least one cached prompt block.",
                EngineStats::prefixCacheHits);
        engineGauge(out, stats, "hearth_prefix_cache_tokens_total", "counter", "Prompt tokens found in the prefix cache, not recomputed.",
                EngineStats::cachedPromptTokens);
        engineGauge(out, stats, "hearth_engine_steps_total", "counter", "Forward passes run.", EngineStats::steps);
        return out.toString();
    }

    private void modelCounter(PrometheusText out, List<ModelStatus> served, String name, String help,
                              ToLongFunction<ModelMetrics> value) {
        out.family(name, "counter", help);
        served.forEach(m -> out.sample(name, value.applyAsLong(model(m.name())), "model", m.name()));
    }

    private static void engineGauge(PrometheusText out, Map<String, EngineStats> stats, String name, String type, String help,
                                    ToLongFunction<EngineStats> value) {
        out.family(name, type, help);
        stats.forEach((model, s) -> out.sample(name, value.applyAsLong(s), "model", model));
    }
}
