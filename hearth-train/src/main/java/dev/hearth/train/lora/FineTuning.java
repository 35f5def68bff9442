package dev.hearth.train.lora;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.lora.LoraAdapters;
import dev.hearth.model.lora.LoraTarget;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;
import dev.hearth.train.Pretraining;
import dev.hearth.train.data.SplitMix64;
import dev.hearth.train.data.TrainingDataException;
import dev.hearth.train.llama.TrainableLlama;
import dev.hearth.train.optim.AdamW;
import dev.hearth.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * LoRA fine-tuning of a downloaded model on chat examples: the base weights stay frozen in their
 * own types, only the adapters train, and the result is a llama.cpp-layout GGUF adapter.
 *
 * <pre>
 * for each step:
 *     B conversations (each epoch in a new random order), padded to T; loss on assistant tokens only
 *     forward; backward; clip; AdamW on the adapters
 * write A and B of every targeted matrix
 * </pre>
 */
public final class FineTuning {

    /**
     * What to train and how.
     *
     * @param steps optimizer steps; 0 for {@code epochs} passes over the examples
     * @param maxSeqLen the longest conversation, in tokens (0: the model's context, at most 2048)
     * @param skipBadLines skip (and report) a line that cannot be used, rather than stop
     */
    public record Settings(int rank, float alpha, Set<LoraTarget> targets, int steps, int epochs, int batchSize,
            float learningRate, int warmupSteps, float weightDecay, float gradClip, int maxSeqLen, long seed,
            int threads, boolean skipBadLines) {
        public Settings {
            if (batchSize <= 0 || epochs <= 0 || steps < 0 || threads <= 0 || maxSeqLen < 0) {
                throw new IllegalArgumentException("batch size, epochs and threads must be positive, steps and "
                        + "sequence length not negative");
            }
        }
    }

    /** What the run tells as it goes. */
    public interface Listener {
        default void started(int examples, int skipped, long adapterParameters, int seqLen, int steps) {}

        default void skipped(TrainingDataException problem) {}

        default void step(Pretraining.Step step) {}
    }

    /** What the run achieved; {@code tokensPerSecond} counts the conversations' tokens, not the padding. */
    public record Result(Path adapter, int examples, int steps, double firstLoss, double lastLoss, long parameters,
            double seconds, double tokensPerSecond) {}

    private FineTuning() {}

    public static Result run(Path baseFile, Path data, Path output, Settings settings, Listener listener)
            throws IOException {
        try (Model chat = Models.open(baseFile); GgufFile file = GgufFile.open(baseFile);
                WorkerPool pool = new WorkerPool(settings.threads())) {
            BaseModel base = BaseModel.read(file);
            int context = base.shape().contextLength();
            int limit = settings.maxSeqLen() > 0 ? settings.maxSeqLen() : Math.min(context, 2048);
            if (limit > context) {
                throw new IllegalArgumentException("a sequence length of " + limit + " exceeds the model's context of "
                        + context);
            }
            List<TrainingDataException> skipped = new ArrayList<>();
            Consumer<TrainingDataException> onSkip = e -> {
                skipped.add(e);
                listener.skipped(e);
            };
            List<ChatExamples.Example> examples = ChatExamples.read(data, ChatPrompt.forModel(chat), limit + 1,
                    settings.skipBadLines() ? ChatExamples.OnError.SKIP : ChatExamples.OnError.STOP, onSkip);
            int T = examples.stream().mapToInt(ChatExamples.Example::length).max().orElseThrow();
            int B = Math.min(settings.batchSize(), examples.size());
            int steps = settings.steps() > 0 ? settings.steps()
                    : Math.max(1, settings.epochs() * (int) Math.ceil(examples.size() / (double) B));

            AdapterParameters adapter = new AdapterParameters(base, settings.targets(), settings.rank(),
                    settings.alpha());
            SplitMix64 random = new SplitMix64(settings.seed());
            adapter.initialize(random);
            TrainableLlama model = new TrainableLlama(base.shape(), adapter.weights(B * T), B, T,
                    Kernels.vectorized(pool), pool);
            AdamW adam = new AdamW(adapter.slots(), adapter.values().length,
                    new AdamW.Settings(0.9f, 0.999f, 1e-8f, settings.weightDecay()));
            LearningRateSchedule schedule = new LearningRateSchedule(settings.learningRate(),
                    settings.learningRate() / 10, Math.min(settings.warmupSteps(), steps / 2), steps);
            listener.started(examples.size(), skipped.size(), adapter.values().length, T, steps);

            int[] order = new int[examples.size()];
            int cursor = order.length; // start with a shuffle
            int[] inputs = new int[B * T];
            int[] targets = new int[B * T];
            int pad = chat.tokenizer().specialTokens().eos().orElse(0);
            long started = System.nanoTime();
            long tokens = 0;
            double first = Double.NaN;
            double loss = Double.NaN;
            for (int step = 0; step < steps; step++) {
                for (int b = 0; b < B; b++) {
                    if (cursor == order.length) {
                        shuffle(order, random);
                        cursor = 0;
                    }
                    ChatExamples.Example e = examples.get(order[cursor++]);
                    java.util.Arrays.fill(inputs, b * T, (b + 1) * T, pad);
                    java.util.Arrays.fill(targets, b * T, (b + 1) * T, -1);
                    System.arraycopy(e.inputs(), 0, inputs, b * T, e.length());
                    System.arraycopy(e.targets(), 0, targets, b * T, e.length());
                    tokens += e.length();
                }
                java.util.Arrays.fill(adapter.gradients(), 0f);
                loss = model.forward(inputs, targets);
                model.backward(1f);
                double norm = AdamW.clipGradients(adapter.gradients(), settings.gradClip());
                float lr = schedule.at(step);
                adam.step(adapter.values(), adapter.gradients(), lr);
                if (step == 0) {
                    first = loss;
                }
                double elapsed = (System.nanoTime() - started) / 1e9;
                listener.step(new Pretraining.Step(step + 1, steps, loss, lr, norm, tokens / Math.max(elapsed, 1e-9),
                        elapsed));
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("the fine-tuning loss became " + loss + " at step " + (step + 1)
                            + "; lower the learning rate (" + settings.learningRate() + ")");
                }
            }
            LoraAdapters.write(adapter.toAdapter(), output);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Result(output, examples.size(), steps, first, loss, adapter.values().length, seconds,
                    tokens / seconds);
        }
    }

    /** Fisher–Yates over {@code 0 .. n-1}, from the run's generator. */
    private static void shuffle(int[] order, SplitMix64 random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}
