package dev.hearth.compute.spi;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;

/** The vectorized CPU kernels over a worker pool that this backend owns. */
final class CpuBackend implements Backend {

    private final WorkerPool pool;
    private final Kernels kernels;

    CpuBackend(int threads) {
        this.pool = new WorkerPool(threads);
        this.kernels = Kernels.vectorized(pool);
    }

    @Override
    public String description() {
        return "cpu, " + pool.threads() + (pool.threads() == 1 ? " thread, " : " threads, ")
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors";
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void close() {
        pool.close();
    }
}
