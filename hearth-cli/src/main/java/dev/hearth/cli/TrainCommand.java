package dev.hearth.cli;

import dev.hearth.train.Pretraining;
import dev.hearth.train.TrainConfig;
import dev.hearth.train.TrainingTokenizer;
import dev.hearth.train.tokenizer.BpeTrainer;
import dev.hearth.train.tokenizer.BpeTrainingOptions;
import dev.hearth.train.tokenizer.Corpus;
import dev.hearth.train.tokenizer.TrainingListener;
import dev.hearth.train.tokenizer.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hearth train --config CONFIG --data CORPUS... [--tokenizer TOK] -o MODEL.gguf}: pretrains
 * a small Llama model from nothing (training a tokenizer on the data first when none is given),
 * with a progress bar, held-out losses and checkpoints.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a small Llama-architecture model from nothing on your own text, on the CPU, and write it "
                + "as GGUF (hearth run, hearth serve and llama.cpp load it).",
                "The held-out loss is printed as it trains, beside the unigram baseline it must beat. Checkpoints "
                        + "(MODEL.gguf.ckpt) let an interrupted run continue exactly where it stopped (--resume)."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "CONFIG",
            description = "A JSON file of settings, or a preset: tiny (about 0.1M parameters, a minute) or 20m "
                    + "(about 20M parameters with an 8k vocabulary). Fields: docs/training.md.")
    String config;

    @Option(names = "--set", paramLabel = "FIELD=VALUE",
            description = "Override one config field, e.g. --set steps=1000 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "CORPUS",
            description = "Text to train on: .txt/.md files (one document each), .jsonl files (one {\"text\": ...} "
                    + "per line) or folders of them.")
    List<Path> data;

    @Option(names = "--tokenizer", paramLabel = "TOK",
            description = "The vocabulary: a tokenizer.json from hearth tokenizer train, or a GGUF model or vocabulary "
                    + "file whose tokenizer the new model gets (default: train one on the data, --vocab-size tokens, "
                    + "saved as MODEL-tokenizer/tokenizer.json).")
    Path tokenizer;

    @Option(names = "--vocab-size", defaultValue = "4096", paramLabel = "N",
            description = "The size of the tokenizer trained when --tokenizer is not given (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL.gguf", description = "The model to write.")
    Path output;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue from a checkpoint of this run.")
    Path resume;

    @Option(names = "--checkpoint", paramLabel = "CKPT",
            description = "Where checkpoints go (default: MODEL.gguf.ckpt; written every checkpoint_every steps).")
    Path checkpoint;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the tokenized corpus is kept while training (default: beside MODEL.gguf).")
    Path workDir;

    @Option(names = "--on-error", defaultValue = "stop", paramLabel = "stop|skip",
            description = "A JSONL line that cannot be used stops the run, or is skipped with a message "
                    + "(default: ${DEFAULT-VALUE}).")
    String onError;

    @Option(names = "--force", description = "Replace MODEL.gguf if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OutputFiles.checkWritable(output, force || resume != null);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        }
        OutputFiles.refuseToReplaceAnInput(output, data, "one of the --data inputs");
        if (!onError.equals("stop") && !onError.equals("skip")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--on-error takes stop or skip, got " + onError);
        }
        TrainConfig settings = TrainConfig.load(config, overrides);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainingTokenizer vocabulary = tokenizer != null ? TrainingTokenizer.open(tokenizer) : trainTokenizer(err);
        Path work = workDir != null ? workDir : output.toAbsolutePath().getParent();
        Progress progress = new Progress(err, System.console() != null);
        Pretraining.Result result = Pretraining.run(settings, vocabulary, data, output,
                new Pretraining.Options(n, checkpoint, resume, work, 0, onError.equals("skip")), progress);
        progress.finish();
        out.printf(Locale.ROOT, "wrote %s: %d steps, %s tokens, train loss %.3f, held-out loss %.3f (unigram baseline "
                        + "%.3f), %.1f min, %.0f tokens/s (%.2f GFLOP/s)%n", result.model(), result.steps(),
                InfoCommand.Units.count(result.tokensSeen()), result.trainLoss(), result.heldOutLoss(),
                result.unigramBaseline(), result.seconds() / 60, result.tokensPerSecond(),
                result.tokensPerSecond() * result.flopsPerToken() / 1e9);
        out.flush();
        return 0;
    }

    /** A BPE tokenizer learned from the training data, saved beside the model. */
    private TrainingTokenizer trainTokenizer(PrintWriter err) throws java.io.IOException {
        String name = output.getFileName().toString().replaceFirst("\\.gguf$", "");
        Path file = output.toAbsolutePath().resolveSibling(name + "-tokenizer").resolve("tokenizer.json");
        Files.createDirectories(file.getParent());
        long start = System.nanoTime();
        TrainingResult trained = BpeTrainer.train(Corpus.of(data), BpeTrainingOptions.of(vocabSize),
                TrainingListener.NONE);
        trained.tokenizer().write(file);
        err.printf(Locale.ROOT, "trained a tokenizer of %d tokens on the data%s (%.2f bytes per token) in %.1f s: %s%n",
                trained.tokenizer().tokens().size(), trained.stoppedEarly() ? ", fewer than --vocab-size: no pair "
                        + "left that occurs " + BpeTrainingOptions.DEFAULT_MIN_FREQUENCY + " times" : "",
                trained.bytesPerToken(), (System.nanoTime() - start) / 1e9, file);
        err.flush();
        return TrainingTokenizer.fromTokenizerJson(file);
    }

    /** The training's progress on standard error: a bar redrawn in place on a terminal, a line per 10 steps elsewhere. */
    static final class Progress implements Pretraining.Listener {
        private static final int WIDTH = 24;
        private final PrintWriter err;
        private final boolean terminal;
        private double baseline = Double.NaN;
        private long firstStep;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void tokenizing(long tokensSoFar) {
            if (terminal) {
                err.printf(Locale.ROOT, "\rtokenizing the corpus: %s tokens", InfoCommand.Units.count(tokensSoFar));
                err.flush();
            }
        }

        @Override
        public void started(Pretraining.Start s) {
            baseline = s.unigramBaseline();
            firstStep = s.firstStep();
            line(String.format(Locale.ROOT, "%s parameters; corpus of %d documents, %s tokens (%s to train on, the rest "
                            + "held out); unigram baseline %.3f%s", InfoCommand.Units.count(s.parameters()), s.documents(),
                    InfoCommand.Units.count(s.corpusTokens()), InfoCommand.Units.count(s.trainingTokens()),
                    s.unigramBaseline(), s.firstStep() > 0 ? "; resuming at step " + s.firstStep() : ""));
        }

        @Override
        public void step(Pretraining.Step s) {
            long done = s.step();
            double perStep = s.elapsedSeconds() / Math.max(1, done - firstStep);
            String text = String.format(Locale.ROOT, "%s step %d/%d  loss %.3f  lr %.2e  %.0f tok/s  ETA %s",
                    bar(done, s.steps()), done, s.steps(), s.loss(), s.learningRate(), s.tokensPerSecond(),
                    duration(perStep * (s.steps() - done)));
            if (terminal) {
                err.print("\r" + text + "   ");
                err.flush();
            } else if (done % 10 == 0 || done == s.steps()) {
                err.println(text);
                err.flush();
            }
        }

        @Override
        public void evaluated(long step, double heldOutLoss) {
            line(String.format(Locale.ROOT, "step %d: held-out loss %.3f (unigram baseline %.3f)", step, heldOutLoss,
                    baseline));
        }

        @Override
        public void skipped(dev.hearth.train.data.TrainingDataException problem) {
            line("skipped " + problem.getMessage());
        }

        @Override
        public void checkpointed(long step, Path file) {
            line("step " + step + ": checkpoint " + file);
        }

        private void line(String text) {
            err.println((terminal ? "\r" : "") + text + (terminal ? " ".repeat(20) : ""));
            err.flush();
        }

        void finish() {
            if (terminal) {
                err.println();
                err.flush();
            }
        }

        private static String bar(long done, long total) {
            int filled = (int) (WIDTH * done / Math.max(1, total));
            return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
        }

        private static String duration(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }
}
