package dev.hearth.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining end to end on a generated corpus, with a real (stories260K) tokenizer. */
class PretrainingTest {
    @TempDir
    Path dir;

    @Test
    void aTinyModelLearnsWhatAUnigramModelCannot() throws Exception {
        TrainingTokenizer tokenizer = TrainingCorpora.stories260kTokenizer(dir);
        Path corpus = TrainingCorpora.storiesFile(dir.resolve("stories.txt"), 1500, 42);
        TrainConfig config = TrainConfig.load("tiny", Map.of());
        Path output = dir.resolve("tiny.gguf");
        Pretraining.Result result = Pretraining.run(config, tokenizer, List.of(corpus), output,
                new Pretraining.Options(2, null, null, dir, 0, false), new Pretraining.Listener() {});
        System.out.printf("tiny preset: %d steps, train loss %.3f, held-out %.3f, unigram baseline %.3f, %.1f s%n",
                result.steps(), result.trainLoss(), result.heldOutLoss(), result.unigramBaseline(), result.seconds());
        assertThat(result.model()).isEqualTo(output);
        assertThat(Files.size(output)).isGreaterThan(4L * 100_000);
        // the threshold: held-out loss at most half the unigram baseline's, in nats per token
        assertThat(result.heldOutLoss()).isLessThan(0.5 * result.unigramBaseline());
    }

    @Test
    void aResumedRunWritesTheSameModelByteForByte() throws Exception {
        TrainingTokenizer tokenizer = TrainingCorpora.stories260kTokenizer(dir);
        Path corpus = TrainingCorpora.storiesFile(dir.resolve("stories.txt"), 300, 7);
        TrainConfig config = TrainConfig.load("tiny", Map.of("steps", "12", "eval_every", "5", "warmup_steps", "3",
                "grad_accum", "2", "batch_size", "2", "seq_len", "32"));
        // the same file name in two folders: general.name comes from it
        Path straight = Files.createDirectories(dir.resolve("straight")).resolve("model.gguf");
        Pretraining.run(config, tokenizer, List.of(corpus), straight, new Pretraining.Options(2, null, null, dir, 0, false),
                new Pretraining.Listener() {});

        Path resumed = Files.createDirectories(dir.resolve("resumed")).resolve("model.gguf");
        Path checkpoint = dir.resolve("run.ckpt");
        Pretraining.Result first = Pretraining.run(config, tokenizer, List.of(corpus), resumed,
                new Pretraining.Options(2, checkpoint, null, dir, 7, false), new Pretraining.Listener() {});
        assertThat(first.model()).isNull();
        assertThat(first.steps()).isEqualTo(7);
        assertThat(resumed).doesNotExist();
        // a different thread count on resumption: the kernels' sums do not depend on it
        Pretraining.Result second = Pretraining.run(config, tokenizer, List.of(corpus), resumed,
                new Pretraining.Options(1, checkpoint, checkpoint, dir, 0, false), new Pretraining.Listener() {});
        assertThat(second.steps()).isEqualTo(12);
        assertThat(java.util.Arrays.equals(Files.readAllBytes(resumed), Files.readAllBytes(straight)))
                .as("the resumed run's model is byte-identical to the uninterrupted run's").isTrue();
    }

    @Test
    void resumingRefusesAnotherConfigOrOtherData() throws Exception {
        TrainingTokenizer tokenizer = TrainingCorpora.stories260kTokenizer(dir);
        Path corpus = TrainingCorpora.storiesFile(dir.resolve("stories.txt"), 200, 7);
        Path other = TrainingCorpora.storiesFile(dir.resolve("other.txt"), 200, 8);
        Map<String, String> small = Map.of("steps", "4", "batch_size", "2", "seq_len", "16");
        TrainConfig config = TrainConfig.load("tiny", small);
        Path checkpoint = dir.resolve("run.ckpt");
        Pretraining.run(config, tokenizer, List.of(corpus), dir.resolve("m.gguf"),
                new Pretraining.Options(1, checkpoint, null, dir, 2, false), new Pretraining.Listener() {});
        TrainConfig changed = TrainConfig.load("tiny", Map.of("steps", "4", "batch_size", "2", "seq_len", "16",
                "learning_rate", "0.01"));
        assertThatThrownBy(() -> Pretraining.run(changed, tokenizer, List.of(corpus), dir.resolve("m.gguf"),
                new Pretraining.Options(1, checkpoint, checkpoint, dir, 0, false), new Pretraining.Listener() {}))
                .hasMessageContaining("run.ckpt").hasMessageContaining("another config");
        assertThatThrownBy(() -> Pretraining.run(config, tokenizer, List.of(other), dir.resolve("m.gguf"),
                new Pretraining.Options(1, checkpoint, checkpoint, dir, 0, false), new Pretraining.Listener() {}))
                .hasMessageContaining("run.ckpt").hasMessageContaining("training data differs");
        Files.write(dir.resolve("bad.ckpt"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("bad.ckpt"))).hasMessageContaining("bad.ckpt");
        Path truncated = dir.resolve("truncated.ckpt");
        byte[] whole = Files.readAllBytes(checkpoint);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> Checkpoint.read(truncated)).hasMessageContaining("truncated");
    }

    @Test
    void theWrittenModelGivesTheTrainingForwardPasssLogitsInHearth() throws Exception {
        TrainingTokenizer tokenizer = TrainingCorpora.stories260kTokenizer(dir);
        Path corpus = TrainingCorpora.storiesFile(dir.resolve("stories.txt"), 200, 3);
        TrainConfig config = TrainConfig.load("tiny", Map.of("steps", "5", "batch_size", "1", "seq_len", "24",
                "tied_embeddings", "false"));
        Path output = dir.resolve("m.gguf");
        Pretraining.run(config, tokenizer, List.of(corpus), output, new Pretraining.Options(1, null, null, dir, 0, false),
                new Pretraining.Listener() {});
        // the same parameters, read back from the GGUF, in the training model and in Hearth's decoder
        try (var pool = new dev.hearth.compute.kernels.WorkerPool(1);
                var file = dev.hearth.model.gguf.GgufFile.open(output);
                var model = dev.hearth.model.runtime.Models.open(output)) {
            var shape = config.shape(tokenizer.vocabularySize());
            var parameters = new dev.hearth.train.llama.LlamaParameters(shape);
            var trainable = new dev.hearth.train.llama.TrainableLlama(shape, parameters.weights(), 1, 24,
                    dev.hearth.compute.kernels.Kernels.vectorized(pool), pool);
            for (var slot : parameters.layout().slots()) {
                var info = file.tensor(slot.name()).orElseThrow();
                var data = file.data(info);
                java.lang.foreign.MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0,
                        parameters.values(), (int) slot.offset(), slot.size());
            }
            int[] tokens = tokenizer.tokenizer().encode("Lily had a red ball. Lily took the ball to the park.");
            int[] window = java.util.Arrays.copyOf(tokens, 24);
            int[] none = new int[24];
            java.util.Arrays.fill(none, -1);
            none[0] = 1;
            trainable.forward(window, none);
            int vocab = shape.vocabularySize();
            float[] expected = new float[24 * vocab];
            float[] row = new float[vocab];
            for (int t = 0; t < 24; t++) {
                trainable.logits(t, row);
                System.arraycopy(row, 0, expected, t * vocab, vocab);
            }
            float[] actual = new float[24 * vocab];
            try (var cache = model.newCache(24, dev.hearth.model.runtime.KvPrecision.F32)) {
                model.forwardAll(cache, window, actual);
            }
            for (int i = 0; i < actual.length; i++) {
                assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i],
                        org.assertj.core.data.Offset.offset(1e-4f * Math.max(1, Math.abs(expected[i]))));
            }
        }
    }
}
