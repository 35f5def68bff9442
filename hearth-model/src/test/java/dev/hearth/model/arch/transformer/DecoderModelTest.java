package dev.hearth.model.arch.transformer;

import dev.hearth.compute.spi.Backend;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvBlockPool;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward pass of each Llama-family architecture on tiny random models written as GGUF: the
 * prompt path against the decode path, the cache against recomputation, F16 against F32 caches,
 * quantized weights against F32 weights, and every path against a double-precision oracle.
 */
class DecoderModelTest {
    // the prompt path and the decode path do the same float operations in the same order with the
    // scalar kernels; a vectorized kernel may reorder sums, which this bound allows for
    private static final double SAME_MATHS = 1e-5;
    // vectorized kernels sum 16 lanes then combine them, the scalar ones left to right: for dot
    // products of up to 1024 terms the float rounding differs by up to ~n·2^-24 ≈ 6e-5 relative per
    // product, compounded over 2 layers (measured: 1e-5 to 4e-5); a wrong kernel is off by > 1e-2
    private static final double REORDERED_SUMS = 2e-4;

    @TempDir
    Path dir;

    static Stream<SyntheticModel.Spec> architectures() {
        return Stream.of(SyntheticModel.Spec.llama(), SyntheticModel.Spec.qwen2(), SyntheticModel.Spec.qwen3());
    }

    private static final int[] PROMPT = {SyntheticModel.BOS, 275, 290, 17, 259, 300 - 1, 42, 288, 270, 3, 296, 262, 281};

    private Model open(SyntheticModel model, ModelOptions options) throws IOException {
        return Models.open(model.write(dir.resolve(model.spec.arch() + "-" + System.nanoTime() + ".gguf")), options);
    }

    private Model open(SyntheticModel.Spec spec) throws IOException {
        return open(SyntheticModel.of(spec), ModelOptions.defaults());
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void promptPathGivesTheLogitsOfTheDecodePath(SyntheticModel.Spec spec) throws IOException {
        SyntheticModel synthetic = SyntheticModel.of(spec);
        // batches of 5: the 13-token prompt runs as chunks of 5, 5 and 3
        try (Model model = open(synthetic, ModelOptions.defaults().withBatchSize(5));
             KvCache prompt = model.newCache(32, KvPrecision.F32);
             KvCache decode = model.newCache(32, KvPrecision.F32)) {
            int vocab = model.info().vocabularySize();
            float[] all = new float[PROMPT.length * vocab];
            model.forwardAll(prompt, PROMPT, all);
            assertThat(prompt.size()).isEqualTo(PROMPT.length);
            for (int t = 0; t < PROMPT.length; t++) {
                float[] step = model.forward(decode, PROMPT[t]);
                assertThat(Logits.relativeRms(all, t * vocab, step, 0, vocab))
                        .as("position %d", t).isLessThan(SAME_MATHS);
            }
            // forward (last logits only) agrees with forwardAll's last row
            try (KvCache last = model.newCache(32, KvPrecision.F32)) {
                float[] lastLogits = model.forward(last, PROMPT);
                assertThat(Logits.relativeRms(all, (PROMPT.length - 1) * vocab, lastLogits, 0, vocab))
                        .isLessThan(SAME_MATHS);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void greedyGenerationWithTheCacheEqualsRecomputingFromScratch(SyntheticModel.Spec spec) throws IOException {
        int steps = 16;
        // an output projection of its own: a random tied model keeps choosing its last token
        try (Model model = open(spec.withTied(false)); KvCache cache = model.newCache(32, KvPrecision.F32)) {
            int[] cached = Arrays.copyOf(PROMPT, PROMPT.length + steps);
            int[] recomputed = Arrays.copyOf(PROMPT, PROMPT.length + steps);
            float[] logits = model.forward(cache, PROMPT);
            for (int i = PROMPT.length; i < cached.length; i++) {
                cached[i] = Logits.argmax(logits);
                float[] fromScratch;
                try (KvCache fresh = model.newCache(32, KvPrecision.F32)) {
                    fromScratch = model.forward(fresh, Arrays.copyOf(recomputed, i));
                }
                recomputed[i] = Logits.argmax(fromScratch);
                assertThat(Logits.relativeRms(logits, fromScratch)).as("step %d", i).isLessThan(SAME_MATHS);
                logits = model.forward(cache, cached[i]);
            }
            assertThat(cached).containsExactly(recomputed);
            // the model is not degenerate: it does not repeat one token
            assertThat(Arrays.stream(cached, PROMPT.length, cached.length).distinct().count()).isGreaterThan(1);
        }
    }

    /**
     * Continuous batching: three sequences in one step (one prefilling a prompt chunk, two
     * decoding at different positions), in a paged cache of 4-position blocks with a shared
     * prefix, each get the logits they get alone in a contiguous cache.
     */
    @ParameterizedTest
    @MethodSource("architectures")
    void aBatchOfSequencesGivesEachTheLogitsItGetsAlone(SyntheticModel.Spec spec) throws IOException {
        try (Model model = open(SyntheticModel.of(spec), ModelOptions.defaults().withBatchSize(16));
             KvBlockPool pool = model.newBlockPool(1 << 20, 4, KvPrecision.F32)) {
            int vocab = model.info().vocabularySize();
            int[] a = Arrays.copyOf(PROMPT, 9);
            int[] b = {SyntheticModel.BOS, 281, 262, 296, 3, 270};
            int[] c = PROMPT.clone(); // shares a's first 9 tokens: two blocks come from the prefix cache
            KvCache ca = pool.newSequence(32, a);
            model.forward(ca, a);                       // a: 9 positions, then decodes one token
            KvCache cb = pool.newSequence(32, b);
            model.forward(cb, Arrays.copyOf(b, 5));     // b: 5 positions, then decodes its 6th
            KvCache cc = pool.newSequence(32, c);
            assertThat(cc.size()).isEqualTo(8);         // c: prefills the rest of its prompt
            Batch batch = new Batch();
            batch.add(ca, new int[] {290}, 0, 1);
            batch.add(cb, b, 5, 1);
            batch.add(cc, c, 8, c.length - 8);
            float[] logits = new float[3 * vocab];
            model.forward(batch, logits);

            int[][] alone = {Arrays.copyOf(PROMPT, 10), b, c};
            alone[0][9] = 290;
            for (int i = 0; i < 3; i++) {
                try (KvCache fresh = model.newCache(32, KvPrecision.F32)) {
                    float[] expected = model.forward(fresh, alone[i]);
                    float[] got = Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    assertThat(Logits.relativeRms(got, expected)).as("sequence %d", i).isLessThan(SAME_MATHS);
                }
            }
            assertThat(new int[] {ca.size(), cb.size(), cc.size()}).containsExactly(10, 6, PROMPT.length);
            ca.close();
            cb.close();
            cc.close();
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void truncatedCacheContinuesAsIfTheDroppedTokensNeverRan(SyntheticModel.Spec spec) throws IOException {
        try (Model model = open(spec);
             KvCache edited = model.newCache(32, KvPrecision.F32);
             KvCache fresh = model.newCache(32, KvPrecision.F32)) {
            model.forward(edited, PROMPT);
            edited.truncate(5);
            float[] afterTruncation = model.forward(edited, 270, 271);
            int[] expectedSequence = {PROMPT[0], PROMPT[1], PROMPT[2], PROMPT[3], PROMPT[4], 270, 271};
            float[] expected = model.forward(fresh, expectedSequence);
            assertThat(Logits.relativeRms(afterTruncation, expected)).isLessThan(SAME_MATHS);
            assertThat(edited.size()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void f16CacheTracksTheF32Cache(SyntheticModel.Spec spec) throws IOException {
        try (Model model = open(spec);
             KvCache f32 = model.newCache(32, KvPrecision.F32);
             KvCache f16 = model.newCache(32, KvPrecision.F16)) {
            int vocab = model.info().vocabularySize();
            float[] exact = new float[PROMPT.length * vocab];
            float[] half = new float[PROMPT.length * vocab];
            model.forwardAll(f32, PROMPT, exact);
            model.forwardAll(f16, PROMPT, half);
            // keys and values rounded to 11 significant bits (relative error ≤ 2⁻¹¹ ≈ 5e-4 each)
            assertThat(Logits.relativeRms(half, exact)).isLessThan(2e-3);
            assertThat(f16.byteSize() * 2).isEqualTo(f32.byteSize());
        }
    }

    static Stream<Arguments> quantizations() {
        // relative RMS error of all logits against the F32 model; bounds ≈ 2× what these models show
        // (random Gaussian weights quantize worse than trained ones; the errors compound over
        // embedding, 2 layers of 7 matrices and the output)
        Object[][] bounds = {
                {GgmlType.F16, 2e-3}, {GgmlType.Q8_0, 2.5e-2}, {GgmlType.Q6_K, 8e-2},
                {GgmlType.Q4_K, 0.3}, {GgmlType.Q4_0, 0.35}};
        return architectures().flatMap(spec -> Arrays.stream(bounds).map(b -> Arguments.of(spec.wide(), b[0], b[1])));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("quantizations")
    void quantizedWeightsTrackTheF32Model(SyntheticModel.Spec spec, GgmlType type, double bound) throws IOException {
        SyntheticModel f32 = SyntheticModel.of(spec.withLayers(2));
        try (Model exact = open(f32, ModelOptions.defaults());
             Model quantized = open(f32.quantized(type), ModelOptions.defaults());
             KvCache c1 = exact.newCache(16, KvPrecision.F32);
             KvCache c2 = quantized.newCache(16, KvPrecision.F32)) {
            int[] prompt = Arrays.copyOf(PROMPT, 8);
            int vocab = exact.info().vocabularySize();
            float[] expected = new float[prompt.length * vocab];
            float[] actual = new float[prompt.length * vocab];
            exact.forwardAll(c1, prompt, expected);
            quantized.forwardAll(c2, prompt, actual);
            double error = Logits.relativeRms(actual, expected);
            System.err.printf("%s %s: relative RMS error %.2e (bound %.0e)%n", spec.arch(), type, error, bound);
            assertThat(error).isLessThan(bound).isGreaterThan(0);
        }
    }

    static Stream<Arguments> kernelComparisons() {
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K};
        return architectures().flatMap(spec -> Arrays.stream(types).map(t -> Arguments.of(spec.wide(), t)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("kernelComparisons")
    void vectorizedParallelKernelsGiveTheScalarLogits(SyntheticModel.Spec spec, GgmlType type) throws IOException {
        SyntheticModel synthetic = SyntheticModel.of(spec.withLayers(2));
        SyntheticModel weights = type == GgmlType.F32 ? synthetic : synthetic.quantized(type);
        try (Backend backend = Backend.cpu(3);
             Model scalar = open(weights, ModelOptions.defaults().withBatchSize(5));
             Model vector = open(weights, ModelOptions.defaults().withBatchSize(5).withKernels(backend.kernels()));
             KvCache c1 = scalar.newCache(32, KvPrecision.F16);
             KvCache c2 = vector.newCache(32, KvPrecision.F16)) {
            int vocab = scalar.info().vocabularySize();
            float[] expected = new float[PROMPT.length * vocab];
            float[] actual = new float[PROMPT.length * vocab];
            scalar.forwardAll(c1, PROMPT, expected);
            vector.forwardAll(c2, PROMPT, actual);
            assertThat(Logits.relativeRms(actual, expected)).isLessThan(REORDERED_SUMS);
            float[] decoded = vector.forward(c2, PROMPT[1]);
            float[] reference = scalar.forward(c1, PROMPT[1]);
            assertThat(Logits.relativeRms(decoded, 0, reference, 0, vocab)).isLessThan(REORDERED_SUMS);
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void oneLayerMatchesTheDoublePrecisionOracle(SyntheticModel.Spec spec) throws IOException {
        matchesOracle(SyntheticModel.of(spec.withLayers(1)));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void everyLayerMatchesTheDoublePrecisionOracle(SyntheticModel.Spec spec) throws IOException {
        matchesOracle(SyntheticModel.of(spec));
    }

    private void matchesOracle(SyntheticModel synthetic) throws IOException {
        double[][] expected = new ReferenceDecoder(synthetic).logits(PROMPT);
        try (Model model = open(synthetic, ModelOptions.defaults()); KvCache cache = model.newCache(32, KvPrecision.F32)) {
            int vocab = model.info().vocabularySize();
            float[] actual = new float[PROMPT.length * vocab];
            model.forwardAll(cache, PROMPT, actual);
            for (int t = 0; t < PROMPT.length; t++) {
                // float32 arithmetic against double: a few ulps per operation, compounded over the layers
                assertThat(Logits.relativeMax(actual, t * vocab, expected[t], vocab)).as("position %d", t)
                        .isLessThan(1e-4);
            }
        }
    }
}
