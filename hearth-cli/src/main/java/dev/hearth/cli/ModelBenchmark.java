package dev.hearth.cli;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * llama-bench's two measurements on one model file, so that Hearth and llama.cpp are timed the
 * same way:
 *
 * <ul>
 *   <li><b>pp</b> (prompt processing): {@code P} tokens through one {@link Model#forward} call on an
 *       empty cache; tokens per second = {@code P} / the call's time.
 *   <li><b>tg</b> (text generation): {@code N} forward calls of one token each, starting from an
 *       empty cache; tokens per second = {@code N} / the loop's time.
 * </ul>
 *
 * Tokens are random ids within the vocabulary (seeded); nothing is sampled, since the choice of the
 * next token costs nothing next to the forward pass. Each test runs {@code warmups} times untimed
 * (the JIT compiles the hot loops then), then {@code repetitions} times timed. The load time is
 * from opening the file to the first token's logits, measured once, before everything else.
 */
final class ModelBenchmark {

    /**
     * What to run.
     *
     * @param promptTokens P, the tokens of the pp test (0 skips it)
     * @param generatedTokens N, the tokens of the tg test (0 skips it)
     * @param repetitions timed runs of each test
     * @param warmups untimed runs of each test before them
     * @param seed for the random token ids
     */
    record Settings(int promptTokens, int generatedTokens, int repetitions, int warmups, long seed) {
        Settings {
            if (promptTokens < 0 || generatedTokens < 0 || promptTokens + generatedTokens == 0) {
                throw new IllegalArgumentException("need prompt or generated tokens (got -p " + promptTokens
                        + ", -n " + generatedTokens + ")");
            }
            if (repetitions < 1 || warmups < 0) {
                throw new IllegalArgumentException("repetitions must be at least 1 and warm-ups at least 0, got "
                        + repetitions + " and " + warmups);
            }
        }
    }

    /** Tokens per second over the timed runs of one test. */
    record Throughput(double mean, double stddev, double[] samples) {
        static Throughput of(double[] samples) {
            double mean = Arrays.stream(samples).average().orElse(Double.NaN);
            double squares = Arrays.stream(samples).map(s -> (s - mean) * (s - mean)).sum();
            double stddev = samples.length > 1 ? Math.sqrt(squares / (samples.length - 1)) : 0;
            return new Throughput(mean, stddev, samples.clone());
        }
    }

    /**
     * The measurements.
     *
     * @param loadMillis from opening the file to the first token's logits
     * @param promptProcessing null when P is 0
     * @param generation null when N is 0
     */
    record Result(double loadMillis, Throughput promptProcessing, Throughput generation) {}

    private ModelBenchmark() {
    }

    /** Opens {@code file} with {@code options}, measures, and closes it. */
    static Result run(Path file, ModelOptions options, Settings settings) throws IOException {
        long start = System.nanoTime();
        try (Model model = Models.open(file, options)) {
            int capacity = Math.max(1, Math.max(settings.promptTokens(), settings.generatedTokens()));
            try (KvCache cache = model.newCache(capacity, KvPrecision.F16)) {
                float[] logits = new float[model.info().vocabularySize()];
                model.forward(cache, new int[] {0}, logits);
                double loadMillis = (System.nanoTime() - start) / 1e6;
                cache.clear();
                return measure(model, cache, logits, settings, loadMillis);
            }
        }
    }

    private static Result measure(Model model, KvCache cache, float[] logits, Settings s, double loadMillis) {
        SplittableRandom random = new SplittableRandom(s.seed());
        int vocabulary = model.info().vocabularySize();
        Throughput pp = null;
        if (s.promptTokens() > 0) {
            int[] prompt = random.ints(s.promptTokens(), 0, vocabulary).toArray();
            pp = repeat(s, () -> {
                cache.clear();
                long t0 = System.nanoTime();
                model.forward(cache, prompt, logits);
                return s.promptTokens() / seconds(t0);
            });
        }
        Throughput tg = null;
        if (s.generatedTokens() > 0) {
            int[] next = random.ints(s.generatedTokens(), 0, vocabulary).toArray();
            int[] one = new int[1];
            tg = repeat(s, () -> {
                cache.clear();
                long t0 = System.nanoTime();
                for (int token : next) {
                    one[0] = token;
                    model.forward(cache, one, logits);
                }
                return s.generatedTokens() / seconds(t0);
            });
        }
        cache.clear();
        return new Result(loadMillis, pp, tg);
    }

    private interface Run {
        /** Runs the test once; returns its tokens per second. */
        double tokensPerSecond();
    }

    private static Throughput repeat(Settings s, Run run) {
        for (int i = 0; i < s.warmups(); i++) {
            run.tokensPerSecond();
        }
        double[] samples = new double[s.repetitions()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = run.tokensPerSecond();
        }
        return Throughput.of(samples);
    }

    private static double seconds(long startNanos) {
        return Math.max(1, System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Bytes of weights one generated token reads: every tensor, except that an embedding table with
     * a separate output matrix contributes one row (a lookup), not all of it. With tied embeddings
     * the table is the output matrix and is read whole.
     */
    static long weightBytesPerToken(GgufFile gguf) {
        long bytes = 0;
        boolean separateOutput = gguf.tensor("output.weight").isPresent();
        for (GgufTensorInfo t : gguf.tensors()) {
            if (separateOutput && t.name().equals("token_embd.weight")) {
                bytes += t.type().byteSize(t.shape().dim(0));
            } else {
                bytes += t.byteSize();
            }
        }
        return bytes;
    }
}
