package dev.hearth.cli;

import dev.hearth.train.tokenizer.BpeTrainer;
import dev.hearth.train.tokenizer.BpeTrainingOptions;
import dev.hearth.train.tokenizer.Corpus;
import dev.hearth.train.tokenizer.TrainedTokenizer;
import dev.hearth.train.tokenizer.TrainingListener;
import dev.hearth.train.tokenizer.TrainingResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth tokenizer …}: tokenizers of your own; {@code train} learns one from a corpus. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Tokenizers of your own: train one on your text.",
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train a byte-level BPE tokenizer (Qwen2's pre-tokenizer) on UTF-8 text and save it as a"
                    + " Hugging Face tokenizer.json, with a tokenizer_config.json beside it naming its end-of-text token."
                    + " Any text round-trips through it byte for byte; Hearth, llama.cpp's converter and Hugging Face"
                    + " read it.",
                    "CORPUS: text files, folders (every .txt, .md and .jsonl file below them), and .jsonl files whose"
                            + " lines are objects with a \"text\" field."})
    static final class Train implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CORPUS", description = "Files and folders to learn from.")
        List<Path> inputs;

        @Option(names = "--vocab-size", required = true, paramLabel = "N",
                description = "Tokens in all: 256 bytes, the learned ones, and the special tokens.")
        int vocabSize;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "TOKENIZER.json",
                description = "The tokenizer.json to write (tokenizer_config.json goes beside it).")
        Path output;

        @Option(names = "--min-frequency", paramLabel = "F", defaultValue = "" + BpeTrainingOptions.DEFAULT_MIN_FREQUENCY,
                description = "Merge only pairs seen at least F times; stop early when none is (default: ${DEFAULT-VALUE}).")
        int minFrequency;

        @Option(names = "--special-token", paramLabel = "TEXT",
                description = "A special token (repeatable); they take the last ids, in order"
                        + " (default: <|endoftext|> <|im_start|> <|im_end|>).")
        List<String> specialTokens;

        @Option(names = "--force", description = "Replace the output files if they exist.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            BpeTrainingOptions options = options();
            Corpus corpus = Corpus.of(inputs);
            Path config = TrainedTokenizer.configBeside(output);
            for (Path target : List.of(output, config)) {
                OutputFiles.refuseToReplaceAnInput(target, corpus.files(), "one of the corpus files");
                OutputFiles.checkWritable(target, force);
            }
            PrintWriter err = spec.commandLine().getErr();
            Progress progress = new Progress(err, System.console() != null);
            long start = System.nanoTime();
            TrainingResult result = BpeTrainer.train(corpus, options, progress);
            progress.finish();
            result.tokenizer().write(output);
            double seconds = (System.nanoTime() - start) / 1e9;

            TrainedTokenizer tokenizer = result.tokenizer();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "wrote %s and %s: %d tokens (256 bytes, %d merges, %d special) in %.1f s%n", output,
                    config.getFileName(), tokenizer.tokens().size(), tokenizer.merges().size(),
                    tokenizer.specialTokens().size(), seconds);
            int files = corpus.files().size();
            out.printf(Locale.ROOT, "corpus: %d %s, %s, %,d words (%,d distinct); %.2f bytes per token%n",
                    files, files == 1 ? "file" : "files", InfoCommand.Units.bytes(result.corpusBytes()), result.words(),
                    result.distinctWords(), result.bytesPerToken());
            if (result.stoppedEarly()) {
                out.printf("stopped early, short of --vocab-size %d: no pair of tokens occurs --min-frequency (%d) times%n",
                        vocabSize, minFrequency);
            }
            out.flush();
            return 0;
        }

        private BpeTrainingOptions options() {
            List<String> specials = specialTokens != null ? specialTokens : BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS;
            int minimum = BpeTrainingOptions.minimumVocabSize(specials.size());
            if (vocabSize < minimum) {
                throw new ParameterException(spec.commandLine(), "--vocab-size " + vocabSize + " is too small: it must be"
                        + " at least " + minimum + " (256 byte tokens, " + specials.size() + " special tokens and one"
                        + " learned token)");
            }
            if (minFrequency < 1) {
                throw new ParameterException(spec.commandLine(), "--min-frequency must be at least 1, got " + minFrequency);
            }
            try {
                return new BpeTrainingOptions(vocabSize, minFrequency, specials);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--special-token: " + e.getMessage());
            }
        }

    }

    /** Progress on standard error: redrawn in place on a terminal, a line per file and per 1,000 merges elsewhere. */
    static final class Progress implements TrainingListener {
        private static final int MERGES_PER_LINE = 1000;
        private static final int MERGES_PER_REDRAW = 50;
        private final PrintWriter err;
        private final boolean terminal;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void counted(Path file, long words, long distinctWords) {
            err.printf(Locale.ROOT, "counted %s: %,d words so far (%,d distinct)%n", file.getFileName(), words,
                    distinctWords);
            err.flush();
        }

        @Override
        public void merged(int merges, int mergesWanted) {
            if (merges % (terminal ? MERGES_PER_REDRAW : MERGES_PER_LINE) != 0 && merges != mergesWanted) {
                return;
            }
            String line = String.format(Locale.ROOT, "merges: %,d of %,d", merges, mergesWanted);
            if (terminal) {
                err.print("\r" + line + "   ");
            } else {
                err.println(line);
            }
            err.flush();
        }

        void finish() {
            if (terminal) {
                err.println();
                err.flush();
            }
        }
    }
}
