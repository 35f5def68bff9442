package dev.hearth.serve.engine;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.testdata.TestData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The continuous-batching engine on llama2.c's stories260K, against the one-sequence {@link Generator}. */
class BatchingEngineIT {
    @TempDir
    static Path dir;
    static Path model;
    static Model reference;
    static Backend backend;

    @BeforeAll
    static void convert() throws Exception {
        Path data = TestData.file("stories260k");
        model = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        backend = Backend.cpu(2);
        reference = Models.open(model, ModelOptions.defaults().withKernels(backend.kernels()));
    }

    @AfterAll
    static void close() {
        reference.close();
        backend.close();
    }

    private static EngineOptions options() {
        return EngineOptions.defaults().withThreads(2).withKvMemoryBudget(16L << 20).withKvBlockSize(16);
    }

    private static int[] prompt(String text) {
        int[] body = reference.tokenizer().encode(text);
        int[] tokens = new int[body.length + 1];
        tokens[0] = reference.tokenizer().specialTokens().bos().orElseThrow();
        System.arraycopy(body, 0, tokens, 1, body.length);
        return tokens;
    }

    /** What the one-sequence generator writes, greedily, from {@code prompt}. */
    private static String alone(int[] prompt, int maxTokens) {
        try (KvCache cache = reference.newCache(512, dev.hearth.model.runtime.KvPrecision.F16)) {
            return Generator.of(reference).generate(cache, prompt, GenerationParams.greedy(maxTokens), t -> { }).text();
        }
    }

    /** Collects a completion's streamed text and checks it matches the result's. */
    static class Collector implements CompletionListener {
        final StringBuilder streamed = new StringBuilder();
        final List<TokenOutput> outputs = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile CompletionResult result;
        volatile Throwable error;

        @Override
        public void onToken(TokenOutput output) {
            streamed.append(output.text());
            outputs.add(output);
        }

        @Override
        public void onComplete(CompletionResult result) {
            this.result = result;
            done.countDown();
        }

        @Override
        public void onError(Throwable error) {
            this.error = error;
            done.countDown();
        }

        CompletionResult await() throws InterruptedException {
            assertThat(done.await(60, TimeUnit.SECONDS)).as("completion finished").isTrue();
            assertThat(error).isNull();
            assertThat(streamed.toString()).isEqualTo(result.text());
            return result;
        }
    }

    @Test
    void oneRequestWritesWhatTheGeneratorWrites() throws Exception {
        int[] prompt = prompt("Once upon a time");
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector c = new Collector();
            engine.submit(CompletionRequest.of(prompt, GenerationParams.greedy(60)), c);
            CompletionResult result = c.await();
            assertThat(result.text()).isEqualTo(alone(prompt, 60));
            assertThat(result.reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(result.tokens()).hasSize(60);
            assertThat(result.promptTokens()).isEqualTo(prompt.length);
            assertThat(engine.stats().kvBlocksUsed()).isZero();
            assertThat(engine.info().name()).isEqualTo("stories260K");
            assertThat(engine.info().fileType()).isEqualTo("F32");
        }
    }

    /** Sixteen requests at once, with different prompts and lengths, each as if it ran alone. */
    @Test
    void sixteenConcurrentRequestsEachWriteWhatTheyWriteAlone() throws Exception {
        String[] starts = {"Once upon a time", "Lily", "The cat", "One day, a little", "Tom and his dog",
            "The sun", "A bird", "She was happy", "In the park", "The big red ball", "Mom said", "Ben",
            "There was a girl", "The tree", "He ran", "They played"};
        try (InferenceEngine engine = InferenceEngines.open(model, options().withMaxSequences(16))) {
            List<Collector> collectors = new ArrayList<>();
            for (int i = 0; i < starts.length; i++) {
                Collector c = new Collector();
                engine.submit(CompletionRequest.of(prompt(starts[i]), GenerationParams.greedy(20 + 3 * i)), c);
                collectors.add(c);
            }
            for (int i = 0; i < starts.length; i++) {
                assertThat(collectors.get(i).await().text()).as(starts[i])
                        .isEqualTo(alone(prompt(starts[i]), 20 + 3 * i));
            }
            assertThat(engine.stats().steps()).as("batched: far fewer steps than tokens")
                    .isLessThan(engine.stats().generatedTokens() / 4);
            assertThat(engine.stats().kvBlocksUsed()).isZero();
        }
    }

    @Test
    void aRepeatedPromptReusesItsCachedPrefixAndWritesTheSame() throws Exception {
        int[] prompt = prompt("Once upon a time, there was a little girl named Lily. She loved to play outside");
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector first = new Collector();
            engine.submit(CompletionRequest.of(prompt, GenerationParams.greedy(30)), first);
            String text = first.await().text();
            Collector second = new Collector();
            engine.submit(CompletionRequest.of(prompt, GenerationParams.greedy(30)), second);
            CompletionResult again = second.await();
            assertThat(again.text()).isEqualTo(text);
            assertThat(again.cachedPromptTokens()).isEqualTo((prompt.length - 1) / 16 * 16).isPositive();
            assertThat(engine.stats().prefixCacheHits()).isEqualTo(1);
        }
    }

    @Test
    void aCancelledRequestStopsAndGivesItsBlocksBack() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            CountDownLatch started = new CountDownLatch(1);
            Collector c = new Collector() {
                @Override
                public void onToken(TokenOutput output) {
                    super.onToken(output);
                    started.countDown();
                }
            };
            Completion completion = engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(100_000)), c);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            completion.cancel();
            assertThat(c.await().reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(engine.stats().kvBlocksUsed()).isZero();
            assertThat(engine.stats().active()).isZero();
        }
    }

    @Test
    void aFullQueueRefusesAtOnceAndTheEngineRecovers() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options().withMaxSequences(1).withMaxQueue(1))) {
            List<Completion> held = new ArrayList<>();
            List<Collector> collectors = new ArrayList<>();
            EngineOverloadedException refused = null;
            for (int i = 0; i < 4 && refused == null; i++) {
                Collector c = new Collector();
                try {
                    held.add(engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(100_000)), c));
                    collectors.add(c);
                } catch (EngineOverloadedException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("refused once one runs and one waits").isNotNull();
            assertThat(refused.retryAfterSeconds()).isPositive();
            held.forEach(Completion::cancel);
            for (Collector c : collectors) {
                c.await();
            }
            Collector after = new Collector();
            engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(5)), after);
            assertThat(after.await().reason()).isEqualTo(StopReason.MAX_TOKENS);
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedNotTruncated() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options().withContextLength(32))) {
            int[] tooLong = new int[32];
            java.util.Arrays.fill(tooLong, 1);
            assertThatThrownBy(() -> engine.submit(CompletionRequest.of(tooLong, GenerationParams.greedy(1)), new Collector()))
                    .isInstanceOf(ContextLengthExceededException.class)
                    .hasMessageContaining("32 tokens; the context holds 32");
            Collector c = new Collector();
            engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(100)), c);
            CompletionResult result = c.await();
            assertThat(result.promptTokens() + result.tokens().length).isEqualTo(32);
        }
    }

    @Test
    void logprobsListTheMostLikelyTokensAndTheGreedyChoiceIsTheFirst() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector c = new Collector();
            engine.submit(new CompletionRequest(prompt("Once upon a time"), GenerationParams.greedy(8), null, 3), c);
            c.await();
            for (TokenOutput output : c.outputs) {
                if (output.token() == TokenOutput.END) {
                    continue;
                }
                TokenLogprob lp = output.logprob();
                assertThat(lp.top()).hasSize(3);
                assertThat(lp.top().getFirst().token()).isEqualTo(output.token());
                assertThat(lp.logprob()).isEqualTo(lp.top().getFirst().logprob()).isNegative();
                assertThat(lp.top().get(1).logprob()).isLessThanOrEqualTo(lp.top().get(0).logprob());
                assertThat(lp.top().get(2).logprob()).isLessThanOrEqualTo(lp.top().get(1).logprob());
            }
        }
    }

    @Test
    void logprobsWithoutAlternativesGiveTheChosenTokensAlone() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector c = new Collector();
            engine.submit(new CompletionRequest(prompt("Once upon a time"), GenerationParams.greedy(4), null, 0), c);
            assertThat(c.await().tokens()).hasSize(4);
            for (TokenOutput output : c.outputs) {
                if (output.token() != TokenOutput.END) {
                    assertThat(output.logprob().top()).isEmpty();
                    assertThat(output.logprob().logprob()).isLessThanOrEqualTo(0);
                }
            }
        }
    }

    /** A constraint that allows only one token, then says the output is whole after three of them. */
    @Test
    void aConstraintDecidesTheTokensAndEndsTheOutput() throws Exception {
        int only = reference.tokenizer().encode("cat")[0];
        TokenConstraint onlyCat = new TokenConstraint() {
            int seen;

            @Override
            public void mask(float[] logits) {
                for (int t = 0; t < logits.length; t++) {
                    if (t != only) {
                        logits[t] = Float.NEGATIVE_INFINITY;
                    }
                }
            }

            @Override
            public void accept(int token) {
                assertThat(token).isEqualTo(only);
                seen++;
            }

            @Override
            public boolean complete() {
                return seen == 3;
            }
        };
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector c = new Collector();
            engine.submit(new CompletionRequest(prompt("Lily"), GenerationParams.greedy(50), onlyCat, -1), c);
            CompletionResult result = c.await();
            assertThat(result.tokens()).containsExactly(only, only, only);
            assertThat(result.reason()).isEqualTo(StopReason.END_OF_GENERATION);
        }
    }

    @Test
    void embeddingsAreUnitVectorsThatTellSimilarTextsFromDifferentOnes() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector busy = new Collector(); // embeddings run between the steps of a generation
            engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(50)), busy);
            List<float[]> vectors = engine.embed(List.of(prompt("The cat sat on the mat."),
                    prompt("The cat sat on the mat."), prompt("The cat sat on a mat."), prompt("Tom ran to the big red ball.")));
            assertThat(vectors).hasSize(4).allSatisfy(v -> assertThat(v).hasSize(engine.info().embeddingLength()));
            assertThat(dot(vectors.get(0), vectors.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(vectors.get(1)).containsExactly(vectors.get(0));
            assertThat(dot(vectors.get(0), vectors.get(2))).isGreaterThan(dot(vectors.get(0), vectors.get(3)));
            busy.await();
            assertThatThrownBy(() -> engine.embed(List.of(new int[0]))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void shutdownLetsRunningRequestsFinishThenRefusesNewOnes() throws Exception {
        InferenceEngine engine = InferenceEngines.open(model, options());
        try {
            Collector c = new Collector();
            engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(40)), c);
            engine.shutdown(Duration.ofSeconds(30));
            assertThat(c.await().reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThatThrownBy(() -> engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(1)),
                    new Collector())).isInstanceOf(EngineOverloadedException.class).hasMessageContaining("shutting down");
        } finally {
            engine.close();
        }
    }

    @Test
    void shutdownCancelsWhatIsStillRunningAtTheDeadline() throws Exception {
        try (InferenceEngine engine = InferenceEngines.open(model, options())) {
            Collector c = new Collector();
            engine.submit(CompletionRequest.of(prompt("Lily"), GenerationParams.greedy(100_000)), c);
            engine.shutdown(Duration.ofMillis(200));
            assertThat(c.await().reason()).isIn(StopReason.CANCELLED, StopReason.CONTEXT_FULL);
        }
    }
}
