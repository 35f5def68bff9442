package dev.hearth.model.arch.transformer;

import dev.hearth.compute.spi.Backend;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.nio.file.Files;

/**
 * Measures that steady-state decoding allocates nothing per token on the vectorized,
 * multi-threaded backend: the bytes allocated by the calling thread and by the backend's worker
 * threads over 200 decode steps, once the JIT has compiled the forward pass, stay under 1 KB per
 * token. A measuring tool beside {@code DecodeSpeed}, not a test: whether the JIT inlines every
 * vector helper (and so keeps vectors out of the heap) depends on its profiles and on how busy
 * the machine is while it compiles; on a loaded machine a JVM can settle on a compilation that
 * boxes vectors for good. Run it on an idle machine:
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> dev.hearth.model.arch.transformer.DecodeAllocation}.
 * (Interpreted Vector API code boxes its vectors, so the warm-up matters; a real allocation per
 * head or per matrix product shows up as tens of KB per token on this model.)
 */
final class DecodeAllocation {

    private static final int MEASURED = 200;
    private static final int MAX_ROUNDS = 40;
    private static final long BYTES_PER_TOKEN = 1024;

    private DecodeAllocation() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("hearth-alloc");
        boolean allBelow = true;
        for (GgmlType type : types().toList()) {
            long perToken = measure(dir, type);
            System.out.printf("%s: %d bytes/token in steady state (%s)%n", type, perToken,
                    perToken < BYTES_PER_TOKEN ? "under 1 KB" : "OVER 1 KB");
            allBelow &= perToken < BYTES_PER_TOKEN;
        }
        System.exit(allBelow ? 0 : 1);
    }

    static Stream<GgmlType> types() {
        return Stream.of(GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_0, GgmlType.F16);
    }

    /**
     * Rounds of 200 decode steps from an empty cache until one allocates under 1 KB per token: the
     * JIT needs a while (more on a busy machine) before every kernel runs compiled; until then
     * the interpreter allocates every vector. A per-token allocation never goes away.
     */
    private static long measure(Path dir, GgmlType type) throws IOException {
        // Qwen2-like: Q/K/V biases, NeoX RoPE, grouped-query attention; room for every step
        SyntheticModel.Spec spec = new SyntheticModel.Spec("qwen2", 256, 2, 4, 2, 64, 512,
                MEASURED + 8, 1e6, true, false, false, false, 2);
        SyntheticModel synthetic = SyntheticModel.of(spec).quantized(type);
        Path file = synthetic.write(dir.resolve("alloc-" + type + ".gguf"));
        Set<Thread> before = workers();
        try (Backend backend = Backend.cpu(2);
             Model model = Models.open(file, ModelOptions.defaults().withKernels(backend.kernels()));
             KvCache cache = model.newCache(MEASURED + 8, KvPrecision.F16)) {
            long[] workerIds = workers().stream().filter(t -> !before.contains(t)).mapToLong(Thread::threadId)
                    .toArray();
            if (workerIds.length != 1) {
                throw new IllegalStateException("expected one worker thread, found " + workerIds.length);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            float[] logits = new float[model.info().vocabularySize()];
            int[] token = new int[1];
            long perToken = Long.MAX_VALUE;
            for (int round = 0; round < MAX_ROUNDS && perToken >= BYTES_PER_TOKEN; round++) {
                cache.clear();
                token[0] = SyntheticModel.BOS;
                long callerStart = threads.getCurrentThreadAllocatedBytes();
                long workersStart = sum(threads.getThreadAllocatedBytes(workerIds));
                for (int i = 0; i < MEASURED; i++) {
                    model.forward(cache, token, logits);
                    token[0] = 3 + i % 290;
                }
                long caller = threads.getCurrentThreadAllocatedBytes() - callerStart;
                long workersAllocated = sum(threads.getThreadAllocatedBytes(workerIds)) - workersStart;
                perToken = (caller + workersAllocated) / MEASURED;
                System.err.printf("%s round %d: %d bytes/token on the caller, %d on the workers%n",
                        type, round, caller / MEASURED, workersAllocated / MEASURED);
            }
            return perToken;
        }
    }

    private static Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("hearth-worker-")).collect(Collectors.toSet());
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
