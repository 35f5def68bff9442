package dev.hearth.bench;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decoder's hot path: a weight matrix times activations, on Qwen2.5-0.5B's feed-forward down
 * projection (896 × 4864). {@code tokens = 1} is generation's matrix-vector product (bound by
 * reading the weights); {@code tokens = 32} is one block of prompt processing's matrix-matrix path
 * (bound by arithmetic). Time per call; divide the matrix's bytes by it for weight bandwidth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {

    static final int ROWS = 896;
    static final int COLS = 4864;

    @Param({"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q6_K", "F16", "BF16", "F32"})
    public GgmlType type;

    @Param({"1", "4", "32"})
    public int tokens;

    /** Threads of the worker pool, the caller included. */
    @Param({"1"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private Kernels kernels;
    private Tensor w;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        arena = Arena.ofShared();
        pool = new WorkerPool(threads);
        kernels = Kernels.vectorized(pool);
        w = Matrices.matrix(arena, type, ROWS, COLS, random);
        x = Matrices.gaussian(random, tokens * COLS);
        y = new float[tokens * ROWS];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] matMul() {
        kernels.matMul(w, x, 0, y, 0, tokens);
        return y;
    }
}
