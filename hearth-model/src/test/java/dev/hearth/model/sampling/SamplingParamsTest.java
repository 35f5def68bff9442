package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParamsTest {

    @Test
    void defaultsAreLlamaCpps() {
        assertThat(SamplingParams.defaults()).isEqualTo(
                new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 0f, 0f, 64, OptionalLong.empty()));
    }

    static Stream<Arguments> invalid() {
        SamplingParams d = SamplingParams.defaults();
        return Stream.of(
                Arguments.of((Runnable) () -> d.withTemperature(-0.5f), "temperature must be finite and >= 0, got -0.5"),
                Arguments.of((Runnable) () -> d.withTemperature(Float.NaN), "temperature must be finite and >= 0, got NaN"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, -1, 0.95f, 0.05f, 1f, 0f, 0f, 64,
                        OptionalLong.empty()), "top_k must be >= 0 (0 turns it off), got -1"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 1.5f, 0.05f, 1f, 0f, 0f, 64,
                        OptionalLong.empty()), "top_p must be in (0, 1], got 1.5"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0f, 0.05f, 1f, 0f, 0f, 64,
                        OptionalLong.empty()), "top_p must be in (0, 1], got 0.0"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0.95f, -0.1f, 1f, 0f, 0f, 64,
                        OptionalLong.empty()), "min_p must be in [0, 1], got -0.1"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 0f, 0f, 0f, 64,
                        OptionalLong.empty()), "repetition_penalty must be finite and > 0, got 0.0"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 2.5f, 0f, 64,
                        OptionalLong.empty()), "presence_penalty must be in [-2, 2], got 2.5"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 0f, -3f, 64,
                        OptionalLong.empty()), "frequency_penalty must be in [-2, 2], got -3.0"),
                Arguments.of((Runnable) () -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, -1,
                        OptionalLong.empty()), "penalty_window must be >= 0 (0 turns the penalties off), got -1"),
                Arguments.of((Runnable) () -> Samplers.topP(1.5f), "top_p must be in (0, 1], got 1.5"),
                Arguments.of((Runnable) () -> Samplers.topK(0), "top_k must be >= 1, got 0"),
                Arguments.of((Runnable) () -> Samplers.temperature(-1f), "temperature must be finite and >= 0, got -1.0"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsOutOfRangeValuesNamingTheParameterAndTheRange(Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void acceptsTheEndsOfEachRange() {
        new SamplingParams(0f, 0, 1f, 0f, 1f, -2f, 2f, 0, OptionalLong.of(0));
        new SamplingParams(100f, 1, Float.MIN_VALUE, 1f, 0.01f, 2f, -2f, 1, OptionalLong.of(-1));
    }
}
