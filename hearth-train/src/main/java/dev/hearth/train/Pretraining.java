package dev.hearth.train;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.train.data.SplitMix64;
import dev.hearth.train.data.TokenCorpus;
import dev.hearth.train.data.TrainingDataException;
import dev.hearth.train.llama.Initialization;
import dev.hearth.train.llama.LlamaGguf;
import dev.hearth.train.llama.LlamaParameters;
import dev.hearth.train.llama.TrainableLlama;
import dev.hearth.train.optim.AdamW;
import dev.hearth.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a Llama model from nothing on a corpus and writes it as GGUF:
 *
 * <pre>
 * for each step:
 *     for each of grad_accum micro-steps: a random batch of windows; forward; backward (÷ grad_accum)
 *     clip the gradients' global norm; AdamW at the schedule's rate
 *     now and then: the held-out loss; a checkpoint
 * </pre>
 *
 * A run resumed from a checkpoint continues bit for bit as the uninterrupted run would have.
 */
public final class Pretraining {

    /** What the run tells as it goes; every method has a default that ignores it. */
    public interface Listener {
        default void tokenizing(long tokensSoFar) {}

        default void started(Start start) {}

        default void step(Step step) {}

        default void evaluated(long step, double heldOutLoss) {}

        default void checkpointed(long step, Path file) {}

        /** A JSONL line left out of the corpus, when the options skip bad lines. */
        default void skipped(TrainingDataException problem) {}
    }

    /** The run's scale, told once the corpus is tokenized. */
    public record Start(long parameters, long corpusTokens, long trainingTokens, int documents,
            double unigramBaseline, long firstStep) {}

    /** One optimizer step's numbers; {@code tokensPerSecond} over this run's steps so far. */
    public record Step(long step, long steps, double loss, float learningRate, double gradientNorm,
            double tokensPerSecond, double elapsedSeconds) {}

    /**
     * How the run is carried out, as opposed to what it learns.
     *
     * @param checkpoint where checkpoints go (null: beside the output, {@code MODEL.gguf.ckpt})
     * @param resumeFrom a checkpoint to continue from, or null
     * @param workDir where the tokenized corpus is kept while training
     * @param stopAfter stop (with a checkpoint, without writing the model) once this many steps are
     *     done, as an interrupted run would; 0 to run to the end
     * @param skipBadLines leave out (and report) a JSONL line that cannot be used, rather than stop
     */
    public record Options(int threads, Path checkpoint, Path resumeFrom, Path workDir, long stopAfter,
            boolean skipBadLines) {}

    /**
     * What the run achieved; {@code model} is null when it stopped early.
     *
     * @param tokensPerSecond training tokens per second over this run's steps (not counting evaluation)
     * @param flopsPerToken {@link dev.hearth.train.llama.LlamaShape#trainingFlopsPerToken}
     */
    public record Result(Path model, long steps, double trainLoss, double heldOutLoss, double unigramBaseline,
            long tokensSeen, double seconds, double tokensPerSecond, double flopsPerToken) {}

    private Pretraining() {}

    public static Result run(TrainConfig config, TrainingTokenizer tokenizer, List<Path> data, Path output,
            Options options, Listener listener) throws IOException {
        Checkpoint resume = options.resumeFrom() == null ? null : Checkpoint.read(options.resumeFrom());
        if (resume != null && !resume.config().equals(config)) {
            throw new IllegalArgumentException(options.resumeFrom() + ": was written by a run with another config; "
                    + "resume with the same config (the checkpoint's is:\n" + resume.config().toJson() + ")");
        }
        Path checkpointFile = options.checkpoint() != null ? options.checkpoint()
                : output.resolveSibling(output.getFileName() + ".ckpt");
        int B = config.batchSize();
        int T = config.seqLen();
        try (WorkerPool pool = new WorkerPool(options.threads());
                TokenCorpus corpus = TokenCorpus.build(data, tokenizer.tokenizer(), options.workDir(), config.heldOut(),
                        T + 1, listener::tokenizing, problem -> {
                            if (!options.skipBadLines()) {
                                throw problem;
                            }
                            listener.skipped(problem);
                        })) {
            LlamaParameters parameters = new LlamaParameters(config.shape(tokenizer.vocabularySize()));
            TrainableLlama model = new TrainableLlama(parameters.shape(), parameters.weights(), B, T,
                    Kernels.vectorized(pool), pool);
            AdamW adam = new AdamW(parameters.layout().slots(), parameters.layout().size(), config.optimizer());
            SplitMix64 random = new SplitMix64(config.seed());
            long step = 0;
            long tokensSeen = 0;
            if (resume == null) {
                Initialization.initialize(parameters, new SplitMix64(~config.seed()));
            } else {
                if (resume.corpusFingerprint() != corpus.fingerprint()) {
                    throw new IllegalArgumentException(options.resumeFrom() + ": the training data differs from the "
                            + "data this checkpoint was trained on (another corpus or tokenizer); resume with the same");
                }
                if (resume.parameters().length != parameters.values().length) {
                    throw new IllegalArgumentException(options.resumeFrom() + ": holds " + resume.parameters().length
                            + " parameters, the model has " + parameters.values().length + " (another tokenizer?)");
                }
                System.arraycopy(resume.parameters(), 0, parameters.values(), 0, resume.parameters().length);
                adam.restore(resume.optimizerSteps(), resume.firstMoments(), resume.secondMoments());
                random = new SplitMix64(resume.rngState());
                step = resume.step();
                tokensSeen = resume.tokensSeen();
            }
            double baseline = corpus.unigramCrossEntropy(tokenizer.vocabularySize());
            listener.started(new Start(parameters.values().length, corpus.size(), corpus.trainingTokens(),
                    corpus.documents(), baseline, step));
            LearningRateSchedule schedule = config.schedule();
            int[] inputs = new int[B * T];
            int[] targets = new int[B * T];
            long started = System.nanoTime();
            long firstStep = step;
            long stepNanos = 0;
            double loss = Double.NaN;
            double heldOut = Double.NaN;
            while (step < config.steps()) {
                long stepStart = System.nanoTime();
                float lr = schedule.at(step);
                parameters.zeroGradients();
                double lossSum = 0;
                for (int micro = 0; micro < config.gradAccum(); micro++) {
                    corpus.sampleTraining(inputs, targets, B, T, random);
                    lossSum += model.forward(inputs, targets);
                    model.backward(1f / config.gradAccum());
                }
                loss = lossSum / config.gradAccum();
                double norm = AdamW.clipGradients(parameters.gradients(), config.gradClip());
                adam.step(parameters.values(), parameters.gradients(), lr);
                step++;
                tokensSeen += (long) config.gradAccum() * B * T;
                stepNanos += System.nanoTime() - stepStart;
                double elapsed = (System.nanoTime() - started) / 1e9;
                listener.step(new Step(step, config.steps(), loss, lr, norm,
                        (step - firstStep) * (double) config.gradAccum() * B * T / Math.max(elapsed, 1e-9), elapsed));
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("the training loss became " + loss + " at step " + step
                            + "; lower learning_rate (" + config.learningRate() + ") or raise warmup_steps");
                }
                boolean last = step == config.steps();
                if (last || (config.evalEvery() > 0 && step % config.evalEvery() == 0)) {
                    heldOut = heldOutLoss(model, corpus, config, inputs, targets);
                    listener.evaluated(step, heldOut);
                }
                boolean stopping = options.stopAfter() > 0 && step >= options.stopAfter() && !last;
                if (stopping || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0)) {
                    new Checkpoint(config, step, adam.steps(), random.state(), corpus.fingerprint(), tokensSeen,
                            parameters.values(), adam.firstMoments(), adam.secondMoments()).write(checkpointFile);
                    listener.checkpointed(step, checkpointFile);
                }
                if (stopping) {
                    return new Result(null, step, loss, heldOut, baseline, tokensSeen, elapsed,
                            rate(step - firstStep, config, stepNanos), parameters.shape().trainingFlopsPerToken(T));
                }
            }
            LlamaGguf.write(parameters, modelName(output), tokenizer.metadata(), output);
            return new Result(output, step, loss, heldOut, baseline, tokensSeen, (System.nanoTime() - started) / 1e9,
                    rate(step - firstStep, config, stepNanos), parameters.shape().trainingFlopsPerToken(T));
        }
    }

    private static double rate(long steps, TrainConfig config, long nanos) {
        return steps * (double) config.gradAccum() * config.batchSize() * config.seqLen() / Math.max(1, nanos) * 1e9;
    }

    /** The mean loss over the first {@code eval_batches} held-out batches (the same ones every time). */
    private static double heldOutLoss(TrainableLlama model, TokenCorpus corpus, TrainConfig config, int[] inputs,
            int[] targets) {
        int batches = Math.min(config.evalBatches(), corpus.validationBatches(config.batchSize(), config.seqLen()));
        double sum = 0;
        for (int i = 0; i < batches; i++) {
            corpus.validation(i, inputs, targets, config.batchSize(), config.seqLen());
            sum += model.forward(inputs, targets);
        }
        return sum / batches;
    }

    private static String modelName(Path output) {
        String file = output.getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }
}
