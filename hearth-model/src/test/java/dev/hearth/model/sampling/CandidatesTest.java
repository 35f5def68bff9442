package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class CandidatesTest {

    private static int[] tokens(Candidates candidates) {
        return IntStream.range(0, candidates.size()).map(candidates::token).toArray();
    }

    /** Token ids ordered by descending logit, ties by ascending id: what a full stable sort gives. */
    private static int[] referenceOrder(float[] logits) {
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Logits with many ties and a few -∞, as a quantized model can produce. */
    private static float[] randomLogits(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = random.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : random.nextInt(-50, 50) / 4f;
        }
        return logits;
    }

    @Test
    void fillHoldsEveryTokenInIdOrderUnsorted() {
        Candidates candidates = new Candidates(5);
        candidates.fill(new float[] {3, 1, 2});
        assertThat(tokens(candidates)).containsExactly(0, 1, 2);
        assertThat(candidates.logit(0)).isEqualTo(3f);
        assertThat(candidates.isSorted()).isFalse();
        assertThat(candidates.hasProbabilities()).isFalse();
        assertThat(candidates.selectedIndex()).isEqualTo(-1);
    }

    @Test
    void rejectsMoreLogitsThanTheVocabularyHolds() {
        assertThatThrownBy(() -> new Candidates(2).fill(new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary of 2");
    }

    @Test
    void partialSortPutsTheHighestFirstInOrderAndKeepsTheRest() {
        float[] logits = randomLogits(1, 10_000);
        Candidates candidates = Candidates.of(logits);
        candidates.sortDescending(40);
        assertThat(tokens(candidates)).startsWith(Arrays.copyOf(referenceOrder(logits), 40));
        assertThat(tokens(candidates)).containsExactlyInAnyOrder(IntStream.range(0, logits.length).toArray());
        assertThat(candidates.isSorted()).isFalse();
    }

    @Test
    void wideningThePartialSortStepByStepEndsFullySorted() {
        for (long seed = 0; seed < 20; seed++) {
            float[] logits = randomLogits(seed, 3_000);
            Candidates candidates = Candidates.of(logits);
            candidates.sortDescending(7);
            candidates.sortDescending(300);
            candidates.sortDescending(logits.length);
            assertThat(tokens(candidates)).containsExactly(referenceOrder(logits));
            assertThat(candidates.isSorted()).isTrue();
        }
    }

    @Test
    void truncatingASortedPrefixLeavesASortedSet() {
        Candidates candidates = Candidates.of(0.1f, 2f, -1f, 1.5f, 2f);
        candidates.sortDescending(2);
        candidates.truncate(2);
        assertThat(tokens(candidates)).containsExactly(1, 4);
        assertThat(candidates.isSorted()).isTrue();
    }

    @Test
    void probabilitiesAreTheSoftmaxAndMoveWithTheirTokens() {
        Candidates candidates = Candidates.of(0f, (float) Math.log(3), Float.NEGATIVE_INFINITY);
        candidates.computeProbabilities();
        candidates.sortDescending(3);
        assertThat(tokens(candidates)).containsExactly(1, 0, 2);
        assertThat(candidates.probability(0)).isCloseTo(0.75f, within(1e-6f));
        assertThat(candidates.probability(1)).isCloseTo(0.25f, within(1e-6f));
        assertThat(candidates.probability(2)).isZero();
    }

    @Test
    void tokensThatAreAllImpossibleCountAsEquallyLikely() {
        Candidates candidates = Candidates.of(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        candidates.computeProbabilities();
        assertThat(candidates.probability(0)).isEqualTo(0.5f);
        assertThat(candidates.probability(1)).isEqualTo(0.5f);
    }

    @Test
    void changingALogitMakesProbabilitiesStaleAndForgetsTheOrder() {
        Candidates candidates = Candidates.of(2f, 1f);
        candidates.sortDescending(2);
        candidates.computeProbabilities();
        candidates.setLogit(1, 5f);
        assertThat(candidates.isSorted()).isFalse();
        assertThatThrownBy(() -> candidates.probability(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void removingLowLogitsKeepsTheOrderOfTheRest() {
        Candidates candidates = Candidates.of(1f, -3f, 0f, 2f);
        candidates.removeLogitsBelow(0f);
        assertThat(tokens(candidates)).containsExactly(0, 2, 3);
    }

    @Test
    void selectionIsForgottenWhenTheSetChanges() {
        Candidates candidates = Candidates.of(1f, 2f);
        candidates.select(1);
        assertThat(candidates.selectedToken()).isEqualTo(1);
        candidates.truncate(1);
        assertThatThrownBy(candidates::selectedToken).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void selectingTheSmallestMatchesASortOnRandomArrays() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(1, 300);
            int k = random.nextInt(1, n + 1);
            long[] values = random.longs(n, -20, 20).toArray();
            long[] expected = values.clone();
            Arrays.sort(expected);
            Candidates.selectSmallest(values, n, k);
            long[] firstK = Arrays.copyOf(values, k);
            Arrays.sort(firstK);
            assertThat(firstK).containsExactly(Arrays.copyOf(expected, k));
        }
    }
}
