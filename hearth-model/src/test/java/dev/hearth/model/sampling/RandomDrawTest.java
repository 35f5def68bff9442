package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** Seeded draws: reproducible per seed, different across seeds, and distributed as the probabilities. */
class RandomDrawTest {
    private static final int VOCABULARY = 500;

    /** The logits "a model" produces at a step: fixed per step, independent of any sampler. */
    private static float[] logitsAt(int step) {
        SplittableRandom random = new SplittableRandom(1_000 + step);
        float[] logits = new float[VOCABULARY];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (3 * random.nextGaussian());
        }
        return logits;
    }

    private static SamplingParams params(long seed) {
        return new SamplingParams(0.9f, 40, 0.95f, 0.05f, 1.1f, 0.2f, 0.1f, 64, OptionalLong.of(seed));
    }

    private static List<Integer> generate(SamplerChain chain, int count) {
        Candidates candidates = new Candidates(VOCABULARY);
        List<Integer> tokens = new ArrayList<>();
        for (int step = 0; step < count; step++) {
            candidates.fill(logitsAt(step));
            tokens.add(chain.sample(candidates));
        }
        return tokens;
    }

    @Test
    void sameSeedGivesTheSameTwoHundredTokens() {
        List<Integer> first = generate(Samplers.fromParams(params(42)), 200);
        assertThat(generate(Samplers.fromParams(params(42)), 200)).isEqualTo(first);
        assertThat(first).as("drawn, not greedy").isNotEqualTo(generate(Samplers.fromParams(params(42).withTemperature(0)), 200));
    }

    @Test
    void differentSeedsGiveDifferentTokens() {
        assertThat(generate(Samplers.fromParams(params(43)), 200))
                .isNotEqualTo(generate(Samplers.fromParams(params(42)), 200));
    }

    @Test
    void resetReplaysTheSameTokens() {
        SamplerChain chain = Samplers.fromParams(params(42));
        List<Integer> first = generate(chain, 200);
        chain.reset();
        assertThat(generate(chain, 200)).isEqualTo(first);
    }

    @Test
    void sequencesDrawnOnManyThreadsAtOnceMatchTheSequentialOne() throws Exception {
        List<Integer> expected = generate(Samplers.fromParams(params(42)), 200);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<List<Integer>>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> generate(Samplers.fromParams(params(42)), 200)));
            }
            for (Future<List<Integer>> run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aSeedGivesTheSameTokensOnEveryMachine() {
        // Pinned once: SplittableRandom's sequence and StrictMath's exp are the same everywhere.
        assertThat(generate(Samplers.fromParams(params(42)), 12)).containsExactly(GOLDEN);
    }

    private static final Integer[] GOLDEN = {419, 42, 75, 233, 268, 486, 87, 463, 17, 90, 418, 440};

    @Test
    void drawsFollowTheProbabilities() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        Candidates candidates = new Candidates(p.length);
        float[] logits = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            logits[i] = (float) Math.log(p[i]);
        }
        Sampler draw = Samplers.randomDraw(2024);
        int draws = 20_000;
        int[] counts = new int[p.length];
        for (int i = 0; i < draws; i++) {
            candidates.fill(logits);
            draw.apply(candidates);
            counts[candidates.selectedToken()]++;
        }
        for (int i = 0; i < p.length; i++) {
            double standardError = Math.sqrt(draws * p[i] * (1 - p[i]));
            assertThat((double) counts[i]).as("token %d", i).isCloseTo(draws * p[i],
                    within(4 * standardError));
        }
    }

    @Test
    void drawsAfterTopKFollowTheRenormalizedProbabilities() {
        // top-2 of {0.5, 0.3, 0.15, 0.05} leaves 0.5 / 0.8 = 0.625 and 0.3 / 0.8 = 0.375
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        SamplerChain chain = Samplers.chain(Samplers.topK(2), Samplers.randomDraw(99));
        Candidates candidates = new Candidates(logits.length);
        int draws = 20_000;
        int zeros = 0;
        for (int i = 0; i < draws; i++) {
            candidates.fill(logits);
            int token = chain.sample(candidates);
            assertThat(token).isIn(0, 1);
            zeros += token == 0 ? 1 : 0;
        }
        double standardError = Math.sqrt(draws * 0.625 * 0.375);
        assertThat((double) zeros).isCloseTo(draws * 0.625, within(4 * standardError));
    }
}
