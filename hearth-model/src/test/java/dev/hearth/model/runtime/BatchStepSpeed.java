package dev.hearth.model.runtime;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.spi.Backend;
import dev.hearth.compute.tensor.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A throwaway speed check, not a test: the decode steps of continuous batching, as the serving
 * engine runs them. {@code S} sequences, each first filled with {@code context} prompt tokens,
 * then advance one token each per step ({@code Model.forward(Batch, …)}) in a paged F16 cache of
 * 32-position blocks. Prints steps per second, tokens per second, and where a step's time goes by
 * {@link Kernels} method, each matrix product by its matrix's type and shape (timed through a
 * proxy; the rest of the step is the model's own loop).
 * Run with {@code java --add-modules jdk.incubator.vector -cp <test classpath>
 * dev.hearth.model.runtime.BatchStepSpeed MODEL.gguf [sequences] [context] [steps] [threads]}.
 */
final class BatchStepSpeed {

    /** The serving engine's token budget per step. */
    private static final int STEP_TOKENS = 512;

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int sequences = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int context = args.length > 2 ? Integer.parseInt(args[2]) : 150;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Map<String, long[]> spent = new TreeMap<>();
        boolean[] timing = {false};
        try (Backend backend = Backend.cpu(threads)) {
            Kernels inner = backend.kernels();
            Kernels timed = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                    (proxy, method, margs) -> {
                        long t0 = System.nanoTime();
                        try {
                            return method.invoke(inner, margs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            long elapsed = System.nanoTime() - t0; // before the label is made
                            if (timing[0]) {
                                long[] cell = spent.computeIfAbsent(label(method.getName(), margs), k -> new long[2]);
                                cell[0] += elapsed;
                                cell[1]++;
                            }
                        }
                    });
            try (Model model = Models.open(file, ModelOptions.defaults().withKernels(timed).withBatchSize(512))) {
                int vocab = model.info().vocabularySize();
                float[] logits = new float[sequences * vocab];
                SplittableRandom random = new SplittableRandom(1);
                for (int round = 0; round < 3; round++) {
                    try (KvBlockPool pool = model.newBlockPool(1L << 30, 32, KvPrecision.F16)) {
                        KvCache[] caches = new KvCache[sequences];
                        int[][] prompts = new int[sequences][];
                        int[][] next = new int[sequences][1];
                        for (int i = 0; i < sequences; i++) {
                            prompts[i] = random.ints(context, 3, vocab).toArray();
                            caches[i] = pool.newSequence(context + steps + 1, prompts[i]);
                            next[i][0] = random.nextInt(3, vocab);
                        }
                        spent.clear();
                        timing[0] = round == 2;
                        long p0 = System.nanoTime();
                        int prefillSteps = prefill(model, caches, prompts, logits);
                        long prefilled = System.nanoTime() - p0;
                        System.out.printf("round %d: %d prompts of %d tokens in %d steps of at most %d tokens, %.0f ms,"
                                + " %.1f prompt tokens/s%n", round, sequences, context, prefillSteps, STEP_TOKENS,
                                prefilled / 1e6, (double) sequences * context / (prefilled / 1e9));
                        if (round == 2) {
                            report(spent, prefilled, prefillSteps);
                        }
                        Batch batch = new Batch();
                        spent.clear();
                        long t0 = System.nanoTime();
                        for (int step = 0; step < steps; step++) {
                            batch.clear();
                            for (int i = 0; i < sequences; i++) {
                                batch.add(caches[i], next[i], 0, 1);
                            }
                            model.forward(batch, logits);
                        }
                        long elapsed = System.nanoTime() - t0;
                        timing[0] = false;
                        System.out.printf("round %d: %d sequences at %d..%d positions, %.1f ms/step, %.1f tokens/s%n",
                                round, sequences, context, context + steps, elapsed / 1e6 / steps,
                                (double) sequences * steps / (elapsed / 1e9));
                        if (round == 2) {
                            report(spent, elapsed, steps);
                        }
                        for (KvCache cache : caches) {
                            cache.close();
                        }
                    }
                }
            }
        }
    }

    /**
     * Fills every sequence's prompt as the engine does when their requests arrive together: steps
     * of at most {@link #STEP_TOKENS} tokens, a prompt split across steps where it does not fit.
     * Returns the number of steps.
     */
    private static int prefill(Model model, KvCache[] caches, int[][] prompts, float[] logits) {
        Batch batch = new Batch();
        int steps = 0;
        int sequence = 0;
        int from = 0;
        while (sequence < caches.length) {
            batch.clear();
            int room = STEP_TOKENS;
            while (room > 0 && sequence < caches.length) {
                int n = Math.min(room, prompts[sequence].length - from);
                batch.add(caches[sequence], prompts[sequence], from, n);
                room -= n;
                from += n;
                if (from == prompts[sequence].length) {
                    sequence++;
                    from = 0;
                }
            }
            model.forward(batch, logits);
            steps++;
        }
        return steps;
    }

    /** A {@link Kernels} call's line in the report: the method, and for a product the matrix's type and shape. */
    private static String label(String method, Object[] args) {
        return args != null && args.length > 0 && args[0] instanceof Tensor w
                ? method + " " + w.type() + " " + w.rows() + "x" + w.cols()
                : method;
    }

    /** Prints where {@code steps} steps' {@code elapsed} nanoseconds went, by {@link Kernels} method (products by matrix). */
    private static void report(Map<String, long[]> spent, long elapsed, int steps) {
        long total = 0;
        for (var e : spent.entrySet()) {
            total += e.getValue()[0];
            System.out.printf("  %-26s %7.2f ms/step  %6d calls/step%n", e.getKey(), e.getValue()[0] / 1e6 / steps,
                    e.getValue()[1] / steps);
        }
        System.out.printf("  %-26s %7.2f ms/step%n", "(other)", (elapsed - total) / 1e6 / steps);
    }
}
