package dev.hearth.cli;

import dev.hearth.compute.kernels.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained read bandwidth from main memory: the ceiling of token generation, which reads every
 * weight once per token. Sums a buffer of longs much larger than the caches with a
 * {@link WorkerPool}'s threads, the way a matrix-vector product streams its weights.
 *
 * <p>The buffer is written once first (so every page is backed by memory), then read whole
 * {@code repetitions} times; the result is the best and the mean of those reads, in GB/s (10⁹
 * bytes per second, as memory is rated).
 */
final class MemoryBandwidth {

    /** Bytes each range of the parallel loop reads: large enough to stream, small enough to balance. */
    private static final long CHUNK = 8L << 20;

    /**
     * @param bestGbps the fastest read of the buffer
     * @param meanGbps the mean over all reads
     * @param bytes the buffer's size
     * @param threads threads that read it
     */
    record Measurement(double bestGbps, double meanGbps, long bytes, int threads) {}

    private MemoryBandwidth() {
    }

    /**
     * Reads an off-heap buffer of {@code bytes} (rounded down to whole 64-byte lines) with the
     * pool's threads.
     *
     * @throws IllegalArgumentException if {@code bytes} is under 1 MiB or {@code repetitions} under 1
     */
    static Measurement measure(WorkerPool pool, long bytes, int repetitions) {
        if (bytes < (1L << 20) || repetitions < 1) {
            throw new IllegalArgumentException("bandwidth buffer must be at least 1 MiB and repetitions at least 1, got "
                    + bytes + " bytes and " + repetitions);
        }
        long size = bytes & ~63L;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(size, 64);
            int chunks = Math.toIntExact((size + CHUNK - 1) / CHUNK);
            pool.forRanges(chunks, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    long start = c * CHUNK;
                    buffer.asSlice(start, Math.min(CHUNK, size - start)).fill((byte) (c | 1));
                }
            });
            AtomicLong sink = new AtomicLong(); // the sums go somewhere, so the reads cannot be dropped
            sumAll(pool, buffer, chunks, size, sink); // untimed: the JIT compiles the loop here
            double best = 0;
            double total = 0;
            for (int r = 0; r < repetitions; r++) {
                long t0 = System.nanoTime();
                sumAll(pool, buffer, chunks, size, sink);
                double gbps = size / Math.max(1.0, System.nanoTime() - t0);
                best = Math.max(best, gbps);
                total += gbps;
            }
            return new Measurement(best, total / repetitions, size, pool.threads());
        }
    }

    private static void sumAll(WorkerPool pool, MemorySegment buffer, int chunks, long size, AtomicLong sink) {
        pool.forRanges(chunks, 1, (from, to) -> {
            long sum = 0;
            for (int c = from; c < to; c++) {
                long start = c * CHUNK;
                sum += sum(buffer, start, Math.min(start + CHUNK, size));
            }
            sink.addAndGet(sum);
        });
    }

    /** Sum of the longs in {@code [from, to)}, four independent streams so loads overlap. */
    private static long sum(MemorySegment buffer, long from, long to) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        long at = from;
        for (; at + 32 <= to; at += 32) {
            a += buffer.get(ValueLayout.JAVA_LONG, at);
            b += buffer.get(ValueLayout.JAVA_LONG, at + 8);
            c += buffer.get(ValueLayout.JAVA_LONG, at + 16);
            d += buffer.get(ValueLayout.JAVA_LONG, at + 24);
        }
        for (; at + 8 <= to; at += 8) {
            a += buffer.get(ValueLayout.JAVA_LONG, at);
        }
        return a + b + c + d;
    }
}
