package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Each sampler on a handful of logits whose outcome is worked out by hand in the comments. */
class SamplersTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private static int[] tokens(Candidates candidates) {
        return IntStream.range(0, candidates.size()).map(candidates::token).toArray();
    }

    private static float[] logits(Candidates candidates) {
        float[] out = new float[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = candidates.logit(i);
        }
        return out;
    }

    private static Candidates applied(Sampler sampler, float... logits) {
        Candidates candidates = Candidates.of(logits);
        sampler.apply(candidates);
        return candidates;
    }

    private static float ln(double p) {
        return (float) Math.log(p);
    }

    @Test
    void greedySelectsTheHighestLogit() {
        assertThat(applied(Samplers.greedy(), 1f, -2f, 4f, 3f).selectedToken()).isEqualTo(2);
    }

    @Test
    void greedySelectsTheFirstOfTiedLogits() {
        assertThat(applied(Samplers.greedy(), 1f, 3f, 3f, 2f).selectedToken()).isEqualTo(1);
    }

    @Test
    void temperatureDividesEveryLogit() {
        assertThat(logits(applied(Samplers.temperature(2f), 2f, -1f, 0.5f))).containsExactly(1f, -0.5f, 0.25f);
        assertThat(logits(applied(Samplers.temperature(0.5f), 1f, -2f))).containsExactly(2f, -4f);
    }

    @Test
    void temperatureZeroKeepsOnlyTheFirstMostLikelyToken() {
        Candidates candidates = applied(Samplers.temperature(0f), 1f, 3f, 3f, 2f);
        assertThat(tokens(candidates)).containsExactly(1);
    }

    @Test
    void topKKeepsTheKHighestSortedWithTiesInIdOrder() {
        Candidates candidates = applied(Samplers.topK(3), 0.1f, 2f, -1f, 1.5f, 2f);
        assertThat(tokens(candidates)).containsExactly(1, 4, 3);
        assertThat(candidates.isSorted()).isTrue();
    }

    @Test
    void topKLargerThanTheSetChangesNothing() {
        Candidates candidates = applied(Samplers.topK(10), 0.1f, 2f, -1f);
        assertThat(tokens(candidates)).containsExactly(0, 1, 2);
    }

    // token:        0          1         2          3
    // probability:  0.15       0.5       0.05       0.3
    // sorted:       1 (0.5), 3 (0.8 cumulative), 0 (0.95), 2 (1.0)
    private static final float[] FOUR = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        assertThat(tokens(applied(Samplers.topP(0.4f), FOUR))).containsExactly(1);
        assertThat(tokens(applied(Samplers.topP(0.7f), FOUR))).containsExactly(1, 3);
        assertThat(tokens(applied(Samplers.topP(0.9f), FOUR))).containsExactly(1, 3, 0);
        assertThat(tokens(applied(Samplers.topP(0.97f), FOUR))).containsExactly(1, 3, 0, 2);
    }

    @Test
    void topPOneChangesNothing() {
        assertThat(tokens(applied(Samplers.topP(1f), FOUR))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void topPOnEqualLogitsKeepsTheFirstTokensReachingP() {
        // each 0.25: 0.25, 0.5 reaches 0.5; 0.75 is the first to reach 0.6
        assertThat(tokens(applied(Samplers.topP(0.5f), 0f, 0f, 0f, 0f))).containsExactly(0, 1);
        assertThat(tokens(applied(Samplers.topP(0.6f), 0f, 0f, 0f, 0f))).containsExactly(0, 1, 2);
    }

    @Test
    void topPDropsImpossibleTokens() {
        assertThat(tokens(applied(Samplers.topP(0.99f), NEG_INF, 1f, NEG_INF, 1f))).containsExactly(1, 3);
    }

    @Test
    void topPKeepsOneTokenWhenAllAreImpossible() {
        assertThat(tokens(applied(Samplers.topP(0.5f), NEG_INF, NEG_INF))).containsExactly(0);
    }

    @Test
    void topPKeepsASingleToken() {
        assertThat(tokens(applied(Samplers.topP(0.01f), 3f))).containsExactly(0);
    }

    @Test
    void topPOnAFlatLargeVocabularyWidensItsSortUntilTheNucleusIsFound() {
        float[] flat = new float[1000]; // each 0.001: the first 900 reach 0.9 (give or take rounding)
        Candidates candidates = applied(Samplers.topP(0.9f), flat);
        assertThat(candidates.size()).isBetween(899, 901);
        assertThat(candidates.token(0)).isZero();
    }

    @Test
    void minPKeepsTokensAtLeastPTimesAsLikelyAsTheBest() {
        // ln 0.05 = -2.996: the threshold is 2 - 2.996 = -0.996, so logit -1 goes and logit 0 stays
        assertThat(tokens(applied(Samplers.minP(0.05f), 2f, 1f, 0f, -1f))).containsExactly(0, 1, 2);
        // ln 0.5 = -0.693: the threshold is 1.307
        assertThat(tokens(applied(Samplers.minP(0.5f), 2f, 1f, 0f, -1f))).containsExactly(0);
    }

    @Test
    void minPKeepsEveryOneOfEqualLogits() {
        assertThat(tokens(applied(Samplers.minP(0.9f), 1f, 1f, 1f))).containsExactly(0, 1, 2);
    }

    @Test
    void minPDropsImpossibleTokensButNeverTheLastOnes() {
        assertThat(tokens(applied(Samplers.minP(0.01f), NEG_INF, 0f, NEG_INF))).containsExactly(1);
        assertThat(tokens(applied(Samplers.minP(0.5f), NEG_INF, NEG_INF))).containsExactly(0, 1);
        assertThat(tokens(applied(Samplers.minP(1f), 7f))).containsExactly(0);
    }

    @Test
    void minPZeroChangesNothing() {
        assertThat(tokens(applied(Samplers.minP(0f), 2f, -100f))).containsExactly(0, 1);
    }

    @Test
    void minPKeepsASortedSetSorted() {
        Candidates candidates = applied(Samplers.topK(3), 0f, 3f, 2f, 1f);
        Samplers.minP(0.3f).apply(candidates); // ln 0.3 = -1.204: threshold 1.796
        assertThat(tokens(candidates)).containsExactly(1, 2);
        assertThat(candidates.isSorted()).isTrue();
    }

    @Test
    void randomDrawNeverPicksAnImpossibleToken() {
        Sampler draw = Samplers.randomDraw(5);
        for (int i = 0; i < 1000; i++) {
            assertThat(applied(draw, NEG_INF, 0f, NEG_INF, 0f).selectedToken()).isIn(1, 3);
        }
    }

    @Test
    void randomDrawLeavesTheProbabilitiesItDrewFrom() {
        Candidates candidates = applied(Samplers.randomDraw(1), 0f, ln(3));
        assertThat(candidates.probability(1)).isCloseTo(0.75f, within(1e-6f));
    }
}
