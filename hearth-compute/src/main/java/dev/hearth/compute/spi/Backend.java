package dev.hearth.compute.spi;

import dev.hearth.compute.kernels.Kernels;

/**
 * Where a model's arithmetic runs: the CPU today, an accelerator later. A backend owns whatever
 * its kernels need (the CPU backend: a pool of worker threads) until it is closed.
 *
 * <p>Threading contract: one forward pass at a time may use {@link #kernels()}; the kernels may
 * use the backend's threads internally and return when their output is complete.
 */
public interface Backend extends AutoCloseable {

    /** A short description for logs, e.g. {@code "cpu, 2 threads, 256-bit vectors"}. */
    String description();

    Kernels kernels();

    /** Releases the backend's threads and memory; its kernels must not be used afterwards. */
    @Override
    void close();

    /** The CPU with one thread per available processor. */
    static Backend cpu() {
        return cpu(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The CPU with {@code threads} threads (the calling thread included) for matrix products.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    static Backend cpu(int threads) {
        return new CpuBackend(threads);
    }
}
