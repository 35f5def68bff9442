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
 * One attention head over a KV cache, as the decoder runs it for each generated token: scores are
 * the keys times the query ({@code matMul} over the first {@code positions} rows of the keys), then
 * softmax, then the values weighted by the probabilities ({@code vecMat}). Head size 64; keys and
 * values in the cache's precision (F16 by default, F32 exact).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {

    static final int HEAD_DIM = 64;

    @Param({"F16", "F32"})
    public GgmlType type;

    /** Filled cache positions the token attends to. */
    @Param({"512", "4096"})
    public int positions;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private Kernels kernels;
    private Tensor keys;
    private Tensor values;
    private float[] query;
    private float[] scores;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2);
        arena = Arena.ofShared();
        pool = new WorkerPool(threads);
        kernels = Kernels.vectorized(pool);
        keys = Matrices.matrix(arena, type, positions, HEAD_DIM, random);
        values = Matrices.matrix(arena, type, positions, HEAD_DIM, random);
        query = Matrices.gaussian(random, HEAD_DIM);
        scores = Matrices.gaussian(random, positions);
        kernels.softmax(scores, 0, positions);
        out = new float[HEAD_DIM];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** The weighted sum of values alone: {@code out[j] = Σ_p scores[p] · V[p][j]}. */
    @Benchmark
    public float[] vecMat() {
        kernels.vecMat(scores, 0, values, positions, out, 0);
        return out;
    }

    /** Scores, softmax and weighted sum: the whole head for one token. */
    @Benchmark
    public float[] head() {
        kernels.matMul(keys, query, 0, scores, 0, 1);
        kernels.scale(scores, 0, 0.125f, positions);
        kernels.softmax(scores, 0, positions);
        kernels.vecMat(scores, 0, values, positions, out, 0);
        return out;
    }
}
