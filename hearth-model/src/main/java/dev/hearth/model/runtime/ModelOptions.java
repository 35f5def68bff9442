package dev.hearth.model.runtime;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.ScalarKernels;

import java.lang.management.ManagementFactory;
import java.util.Objects;

/**
 * How to run a model. Build with {@link #defaults()} and the {@code with…} methods.
 *
 * @param kernels the numeric operations every forward pass calls
 * @param batchSize most tokens one forward step pushes through the weights together (a longer
 *     prompt runs in chunks of this many); it sizes the reused activation buffers
 * @param kvMemoryBudget bytes the default cache ({@link Model#newCache()}) may take: its context is
 *     the model's {@code context_length}, cut down to what fits
 * @param kvPrecision the element type of the default cache
 */
public record ModelOptions(Kernels kernels, int batchSize, long kvMemoryBudget, KvPrecision kvPrecision) {

    public ModelOptions {
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(kvPrecision, "kvPrecision");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (kvMemoryBudget <= 0) {
            throw new IllegalArgumentException("KV memory budget must be positive, got " + kvMemoryBudget);
        }
    }

    /** Scalar kernels, batches of 32 tokens, a default cache of at most a quarter of RAM, in F16. */
    public static ModelOptions defaults() {
        return new ModelOptions(new ScalarKernels(), 32, physicalMemory() / 4, KvPrecision.F16);
    }

    public ModelOptions withKernels(Kernels kernels) {
        return new ModelOptions(kernels, batchSize, kvMemoryBudget, kvPrecision);
    }

    public ModelOptions withBatchSize(int batchSize) {
        return new ModelOptions(kernels, batchSize, kvMemoryBudget, kvPrecision);
    }

    public ModelOptions withKvMemoryBudget(long bytes) {
        return new ModelOptions(kernels, batchSize, bytes, kvPrecision);
    }

    public ModelOptions withKvPrecision(KvPrecision precision) {
        return new ModelOptions(kernels, batchSize, kvMemoryBudget, precision);
    }

    private static long physicalMemory() {
        // the JDK's own bean reports RAM; other JVMs fall back to the heap limit
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
