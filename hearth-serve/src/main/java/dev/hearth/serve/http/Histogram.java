package dev.hearth.serve.http;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram: counts of observations at or under each bound, their sum and number.
 * Lock-free; an engine thread observes a token's latency with two adder increments.
 */
final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts; // counts[i]: observations in (bounds[i-1], bounds[i]]; the last: over every bound
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase");
            }
        }
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts[i].increment();
        sum.add(value);
    }

    /** Writes {@code name_bucket}, {@code name_sum} and {@code name_count} lines, {@code labels} on each. */
    void write(PrometheusText out, String name, String... labels) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i].sum();
            out.sample(name + "_bucket", cumulative, with(labels, "le", PrometheusText.number(bounds[i])));
        }
        cumulative += counts[bounds.length].sum();
        out.sample(name + "_bucket", cumulative, with(labels, "le", "+Inf"));
        out.sample(name + "_sum", sum.sum(), labels);
        out.sample(name + "_count", cumulative, labels);
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }
}
