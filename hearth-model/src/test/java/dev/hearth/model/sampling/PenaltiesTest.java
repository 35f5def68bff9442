package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PenaltiesTest {

    private static float[] penalized(Sampler penalties, float... logits) {
        Candidates candidates = Candidates.of(logits);
        penalties.apply(candidates);
        float[] out = new float[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            out[candidates.token(i)] = candidates.logit(i);
        }
        return out;
    }

    private static Sampler accepted(Sampler penalties, int... tokens) {
        for (int token : tokens) {
            penalties.accept(token);
        }
        return penalties;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        Sampler penalties = accepted(Samplers.penalties(64, 2f, 0f, 0f), 0, 1, 3);
        // tokens 0, 1, 3 were seen: 2 / 2 = 1, -2 * 2 = -4, 0 * 2 = 0; token 2 was not
        assertThat(penalized(penalties, 2f, -2f, 1f, 0f)).containsExactly(1f, -4f, 1f, 0f);
    }

    @Test
    void repetitionPenaltyCountsATokenOnceHoweverOftenItRepeats() {
        Sampler penalties = accepted(Samplers.penalties(64, 2f, 0f, 0f), 0, 0, 0);
        assertThat(penalized(penalties, 8f)).containsExactly(4f);
    }

    @Test
    void frequencyPenaltyGrowsWithEachOccurrenceAndPresencePenaltyDoesNot() {
        Sampler penalties = accepted(Samplers.penalties(64, 1f, 0.5f, 0.25f), 1, 1, 2);
        // token 1: 2 * 0.5 + 0.25 = 1.25; token 2: 1 * 0.5 + 0.25 = 0.75
        assertThat(penalized(penalties, 0f, 0f, 0f, 0f)).containsExactly(0f, -1.25f, -0.75f, 0f);
    }

    @Test
    void negativePenaltiesEncourageRecentTokens() {
        Sampler penalties = accepted(Samplers.penalties(64, 1f, -0.5f, -1f), 0);
        assertThat(penalized(penalties, 0f, 0f)).containsExactly(1.5f, 0f);
    }

    @Test
    void onlyTheLastWindowTokensArePenalized() {
        Sampler penalties = accepted(Samplers.penalties(3, 1f, 0.5f, 0.25f), 1, 1, 2, 3);
        // the window holds 1, 2, 3: the first 1 has slid out, so each was seen once
        assertThat(penalized(penalties, 0f, 0f, 0f, 0f, 0f)).containsExactly(0f, -0.75f, -0.75f, -0.75f, 0f);
        penalties.accept(4);
        penalties.accept(4);
        penalties.accept(4);
        // now 4, 4, 4
        assertThat(penalized(penalties, 0f, 0f, 0f, 0f, 0f)).containsExactly(0f, 0f, 0f, 0f, -1.75f);
    }

    @Test
    void windowZeroPenalizesNothing() {
        Sampler penalties = accepted(Samplers.penalties(0, 2f, 1f, 1f), 0, 1);
        assertThat(penalized(penalties, 2f, -2f)).containsExactly(2f, -2f);
    }

    @Test
    void resetForgetsTheHistory() {
        Sampler penalties = accepted(Samplers.penalties(8, 2f, 1f, 1f), 0, 1);
        penalties.reset();
        assertThat(penalized(penalties, 2f, -2f)).containsExactly(2f, -2f);
        penalties.accept(1);
        assertThat(penalized(penalties, 2f, -2f)).containsExactly(2f, -6f);
    }

    @Test
    void penalizesByTokenIdWhateverTheCandidateOrder() {
        Sampler penalties = accepted(Samplers.penalties(8, 1f, 0f, 1f), 2);
        Candidates candidates = Candidates.of(0f, 5f, 3f, 4f);
        Samplers.topK(3).apply(candidates); // order: 1, 3, 2
        penalties.apply(candidates);
        assertThat(candidates.token(2)).isEqualTo(2);
        assertThat(candidates.logit(2)).isEqualTo(2f);
        assertThat(candidates.logit(0)).isEqualTo(5f);
    }

    @Test
    void toleratesTokenIdsBeyondAnySeenSoFar() {
        Sampler penalties = accepted(Samplers.penalties(4, 1f, 0f, 1f), 150_000);
        assertThat(penalized(penalties, 1f, 1f)).containsExactly(1f, 1f);
    }
}
