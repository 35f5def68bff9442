package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class SamplerChainTest {

    private static SamplingParams params(float temperature, int topK, float topP, float minP, float repetition,
            float presence) {
        return new SamplingParams(temperature, topK, topP, minP, repetition, presence, 0f, 64, OptionalLong.of(1));
    }

    @Test
    void defaultsFollowLlamaCppsOrder() {
        SamplerChain chain = Samplers.fromParams(params(0.8f, 40, 0.95f, 0.05f, 1.1f, 0f));
        assertThat(chain.samplers()).map(Object::getClass).containsExactly(
                Penalties.class, TopK.class, TopP.class, MinP.class, Temperature.class, RandomDraw.class);
        assertThat(chain.samplers().subList(1, 5))
                .containsExactly(new TopK(40), new TopP(0.95f), new MinP(0.05f), new Temperature(0.8f));
    }

    @Test
    void leavesOutSamplersThatWouldChangeNothing() {
        SamplerChain chain = Samplers.fromParams(params(1f, 0, 1f, 0f, 1f, 0f));
        assertThat(chain.samplers()).map(Object::getClass).containsExactly(RandomDraw.class);
    }

    @Test
    void temperatureZeroIsGreedyAfterThePenalties() {
        assertThat(Samplers.fromParams(SamplingParams.defaults().withTemperature(0)).samplers())
                .map(Object::getClass).containsExactly(Greedy.class);
        assertThat(Samplers.fromParams(params(0f, 40, 0.95f, 0.05f, 1.1f, 0f)).samplers())
                .map(Object::getClass).containsExactly(Penalties.class, Greedy.class);
    }

    @Test
    void penaltiesApplyBeforeTopK() {
        // token 0 (logit 5) was just chosen: presence 2 drops it to 3, so top-1 keeps token 1 (4).
        // Were top-k first, it would keep token 0 alone and the penalty could not change the choice.
        SamplerChain chain = Samplers.fromParams(params(1f, 1, 1f, 0f, 1f, 2f));
        chain.accept(0);
        assertThat(chain.sample(Candidates.of(5f, 4f, 3f))).isEqualTo(1);
    }

    @Test
    void minPApplyBeforeTemperature() {
        // min-p 0.1 keeps logits >= 0 + ln 0.1 = -2.303, dropping -2.5. Temperature 2 first would
        // have made it -1.25 and kept it; then token 1 would be drawn about a third of the time.
        SamplerChain chain = Samplers.fromParams(params(2f, 0, 1f, 0.1f, 1f, 0f));
        Candidates candidates = new Candidates(2);
        for (int i = 0; i < 200; i++) {
            candidates.fill(new float[] {0f, -2.5f});
            assertThat(chain.sample(candidates)).isZero();
        }
    }

    @Test
    void sampleTellsEverySamplerTheChosenToken() {
        // presence 2: after choosing 0 (1.0 → -1.0) token 1 (0.5) wins; then both are penalized
        SamplerChain chain = Samplers.chain(Samplers.penalties(64, 1f, 0f, 2f), Samplers.greedy());
        Candidates candidates = new Candidates(2);
        int[] chosen = new int[3];
        for (int i = 0; i < chosen.length; i++) {
            candidates.fill(new float[] {1f, 0.5f});
            chosen[i] = chain.sample(candidates);
        }
        assertThat(chosen).containsExactly(0, 1, 0);
    }

    @Test
    void aChainIsItselfASampler() {
        Sampler inner = Samplers.chain(Samplers.topK(2), Samplers.temperature(0.5f));
        SamplerChain outer = Samplers.chain(inner, Samplers.greedy());
        assertThat(outer.sample(Candidates.of(1f, 3f, 2f))).isEqualTo(1);
        assertThat(outer.toString()).isEqualTo("TopK[k=2] → Temperature[temperature=0.5] → Greedy[]");
    }

    @Test
    void aChainThatSelectsNothingFailsClearly() {
        SamplerChain chain = Samplers.chain(Samplers.topK(2));
        assertThatThrownBy(() -> chain.sample(Candidates.of(1f, 2f)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("greedy()");
    }

    @Test
    void withoutASeedEachChainDrawsItsOwn() {
        SamplingParams unseeded = SamplingParams.defaults();
        assertThat(Samplers.fromParams(unseeded).toString()).isNotEqualTo(Samplers.fromParams(unseeded).toString());
    }
}
