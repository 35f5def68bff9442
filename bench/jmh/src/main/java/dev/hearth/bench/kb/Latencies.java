package dev.hearth.bench.kb;

import java.util.Arrays;

/**
 * A summary of timed calls, in milliseconds: the nearest-rank p50 and p99 and the mean.
 *
 * @param count how many calls were timed
 */
record Latencies(int count, double p50, double p99, double mean, double max) {

    static Latencies of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no timings");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long n : sorted) {
            sum += n;
        }
        return new Latencies(sorted.length, millis(rank(sorted, 0.50)), millis(rank(sorted, 0.99)),
                sum / sorted.length / 1e6, millis(sorted[sorted.length - 1]));
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} of all at or below it. */
    private static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
