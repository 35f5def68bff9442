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

import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.model.tokenizer.TokenType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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
            generation = Generator.of(model).generate(cache, PROMPT, GenerationParams.greedy(10), streamed::add);
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
                    .generate(cache, PROMPT, GenerationParams.greedy(10), text -> { });
            assertThat(g.stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(g.tokens()).containsExactly(291, 292);
            // tokens 291, 292 are "▁to" and "▁and": after a prompt they keep their spaces
            assertThat(g.text()).isEqualTo(" to and");
        }
    }

    @Test
    void stopsWhenTheCacheIsFull() {
        try (KvCache cache = model.newCache(PROMPT.length + 3, KvPrecision.F32)) {
            Generation g = Generator.of(model).generate(cache, PROMPT, GenerationParams.greedy(100), text -> { });
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
                    .generate(cache, PROMPT, GenerationParams.greedy(10), streamed::add);
            assertThat(streamed).containsExactly("é", "!");
            assertThat(g.text()).isEqualTo("é!");
        }
    }

    @Test
    void endOfGenerationHoldsEosAndEndOfTurnTokensKnownByTheirText() throws IOException {
        SyntheticModel synthetic = SyntheticModel.of(SyntheticModel.Spec.llama().withTied(false));
        rename(synthetic, 297, "<end_of_turn>");
        rename(synthetic, 298, "<|im_end|>");
        try (Model chat = Models.open(synthetic.write(dir.resolve("chat.gguf")));
             KvCache cache = chat.newCache(32, KvPrecision.F32)) {
            assertThat(EndOfGeneration.of(chat).ids()).containsExactly(SyntheticModel.EOS, 297, 298);
            int[] script = {291, 298, 292};
            int[] step = {0};
            Generation g = Generator.choosingWith(chat, logits -> script[step[0]++])
                    .generate(cache, PROMPT, GenerationParams.greedy(10), text -> { });
            assertThat(g.stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(g.tokens()).containsExactly(291);
        }
        assertThat(EndOfGeneration.of(model).ids()).containsExactly(SyntheticModel.EOS);
    }

    @Test
    void stopStringEndsTheTextWhereItBeginsEvenInsideAToken() {
        int[] script = {291, 292, 291, 292}; // " to and to and"
        int[] step = {0};
        List<String> streamed = new ArrayList<>();
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.choosingWith(model, logits -> script[step[0]++]).generate(cache, PROMPT,
                    GenerationParams.greedy(10).withStopStrings(List.of("o an")), streamed::add);
            assertThat(g.stopReason()).isEqualTo(StopReason.STOP_STRING);
            assertThat(g.text()).isEqualTo(" t");
            assertThat(String.join("", streamed)).isEqualTo(" t");
            assertThat(g.tokens()).containsExactly(291, 292);
            assertThat(cache.size()).isEqualTo(PROMPT.length + 1); // the token that completed it did not run
        }
    }

    @Test
    void cancellationStopsBetweenTokensAndKeepsWhatWasEmitted() {
        AtomicBoolean cancelled = new AtomicBoolean();
        List<String> streamed = new ArrayList<>();
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.of(model).generate(cache, PROMPT, GenerationParams.greedy(20), piece -> {
                streamed.add(piece);
                cancelled.set(streamed.size() == 3);
            }, cancelled::get);
            assertThat(g.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(g.tokens()).hasSize(3);
            assertThat(g.text()).isEqualTo(String.join("", streamed));
        }
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.of(model).generate(cache, PROMPT, GenerationParams.greedy(20), text -> { }, () -> true);
            assertThat(g.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(g.tokens()).isEmpty();
            assertThat(g.timings().promptTokens()).isZero();
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void seededSamplingRepeatsItselfAndAnotherSeedDiffers() {
        GenerationParams params = GenerationParams.of(SamplingParams.defaults().withTemperature(1.5f).withTopK(0)
                .withMinP(0).withSeed(42), 24);
        Generator generator = Generator.of(model);
        int[] first = sample(generator, params);
        assertThat(sample(generator, params)).containsExactly(first);
        assertThat(sample(generator, params.withSampling(params.sampling().withSeed(7)))).isNotEqualTo(first);
    }

    @Test
    void timingsCountThePromptAndTheGeneratedTokens() {
        try (KvCache cache = model.newCache(32, KvPrecision.F32)) {
            Generation g = Generator.of(model).generate(cache, PROMPT, GenerationParams.greedy(7), text -> { });
            assertThat(g.timings().promptTokens()).isEqualTo(PROMPT.length);
            assertThat(g.timings().generatedTokens()).isEqualTo(7);
            assertThat(g.timings().promptSeconds()).isPositive();
            assertThat(g.timings().generationSeconds()).isPositive();
            assertThat(g.timings().generationTokensPerSecond()).isEqualTo(7 / g.timings().generationSeconds());
        }
    }

    private int[] sample(Generator generator, GenerationParams params) {
        try (KvCache cache = model.newCache(64, KvPrecision.F32)) {
            Generation g = generator.generate(cache, PROMPT, params, text -> { });
            assertThat(g.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            return g.tokens();
        }
    }

    /** Gives token {@code id} another text and makes it a control token. */
    private static void rename(SyntheticModel model, int id, String text) {
        List<GgufValue> tokens = new ArrayList<>(((GgufValue.Array) model.metadata.get("tokenizer.ggml.tokens")).elements());
        tokens.set(id, GgufValue.Str.of(text));
        model.metadata.put("tokenizer.ggml.tokens", new GgufValue.Array(GgufValueType.STRING, tokens));
        List<GgufValue> types = new ArrayList<>(((GgufValue.Array) model.metadata.get("tokenizer.ggml.token_type")).elements());
        types.set(id, new GgufValue.Int(GgufValueType.INT32, TokenType.CONTROL.id()));
        model.metadata.put("tokenizer.ggml.token_type", new GgufValue.Array(GgufValueType.INT32, types));
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
