package dev.hearth.model.generate;

import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorTest {
    private static final int[] PROMPT = {SyntheticModel.BOS, 275, 290, 17};

    @TempDir
    Path dir;
    private Model model;

    @BeforeEach
    void open() throws IOException {
        // untied: a random tied model repeats its last token; this one varies and, from this
        // prompt, does not choose EOS within the steps these tests take
        SyntheticModel.Spec spec = SyntheticModel.Spec.llama().withTied(false);
        model = Models.open(SyntheticModel.of(spec).write(dir.resolve("llama.gguf")));
    }

    @AfterEach
    void close() {
        model.close();
    }

    @Test
    void greedyChoosesTheArgmaxEachStepAndStreamsItsText() {
        List<String> streamed = new ArrayList<>();
        Generation generation;
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            generation = Generator.greedy(model).generate(cache, PROMPT, 10, streamed::add);
            assertThat(cache.size()).isEqualTo(PROMPT.length + 9); // the last choice is not run
        }
        assertThat(generation.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(generation.tokens()).hasSize(10);
        assertThat(String.join("", streamed)).isEqualTo(generation.text());

        // the same loop by hand
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            float[] logits = model.forward(cache, PROMPT);
            for (int i = 0; i < 10; i++) {
                int next = argmax(logits);
                assertThat(generation.tokens()[i]).as("token %d", i).isEqualTo(next);
                logits = model.forward(cache, next);
            }
        }
    }

    @Test
    void stopsAtTheEndOfSequenceTokenWithoutEmittingIt() {
        int[] script = {291, 292, SyntheticModel.EOS, 272};
        int[] step = {0};
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.choosingWith(model, logits -> script[step[0]++])
                    .generate(cache, PROMPT, 10, text -> { });
            assertThat(g.stopReason()).isEqualTo(StopReason.END_OF_SEQUENCE);
            assertThat(g.tokens()).containsExactly(291, 292);
            // tokens 291, 292 are "▁to" and "▁and": after a prompt they keep their spaces
            assertThat(g.text()).isEqualTo(" to and");
        }
    }

    @Test
    void stopsWhenTheCacheIsFull() {
        try (KvCache cache = model.newCache(PROMPT.length + 3, KvPrecision.F32)) {
            Generation g = Generator.greedy(model).generate(cache, PROMPT, 100, text -> { });
            assertThat(g.stopReason()).isEqualTo(StopReason.CONTEXT_FULL);
            assertThat(g.tokens()).hasSize(4);
            assertThat(cache.remaining()).isZero();
        }
    }

    @Test
    void neverStreamsHalfACharacter() {
        // "é" is 0xC3 0xA9, two byte tokens (id = byte + 3), then "!" (byte 0x21)
        int[] script = {3 + 0xC3, 3 + 0xA9, 3 + 0x21, SyntheticModel.EOS};
        int[] step = {0};
        List<String> streamed = new ArrayList<>();
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.choosingWith(model, logits -> script[step[0]++])
                    .generate(cache, PROMPT, 10, streamed::add);
            assertThat(streamed).containsExactly("é", "!");
            assertThat(g.text()).isEqualTo("é!");
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
