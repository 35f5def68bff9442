package dev.hearth.serve.engine;

/**
 * A snapshot of an engine's counters (since it started) and gauges (now).
 *
 * @param queued requests waiting for a slot (gauge)
 * @param active requests generating (gauge)
 * @param kvBlocksTotal KV blocks the budget holds
 * @param kvBlocksUsed KV blocks held by requests (gauge)
 * @param kvBlocksCached free blocks that still hold a reusable prompt prefix (gauge)
 * @param promptTokens prompt tokens received (counter)
 * @param cachedPromptTokens prompt tokens found in the prefix cache rather than computed (counter)
 * @param generatedTokens tokens generated (counter)
 * @param prefixCacheHits requests that reused at least one cached block (counter)
 * @param steps forward passes run (counter)
 */
public record EngineStats(
        int queued,
        int active,
        int kvBlocksTotal,
        int kvBlocksUsed,
        int kvBlocksCached,
        long promptTokens,
        long cachedPromptTokens,
        long generatedTokens,
        long prefixCacheHits,
        long steps) {
}
