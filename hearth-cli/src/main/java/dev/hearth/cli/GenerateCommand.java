package dev.hearth.cli;

import dev.hearth.model.generate.Generation;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.GenerationTimings;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth generate FILE -p PROMPT}: continues a prompt, streaming the text as it comes. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with a model. The completion streams to standard output, "
                + "then one line of timings goes to standard error.")
final class GenerateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The .gguf model.")
    Path file;

    @Option(names = {"-p", "--prompt"}, paramLabel = "PROMPT", description = "The text to continue.")
    String prompt;

    @Option(names = "--file", paramLabel = "PROMPT_FILE", description = "Read the prompt from this UTF-8 file instead.")
    Path promptFile;

    @Option(names = "--stop", paramLabel = "S", description = "End the completion where S appears (S not printed); repeatable.")
    List<String> stopStrings = new ArrayList<>();

    @Option(names = "--special", description = "Match control tokens such as <|im_start|> in the prompt (hand-written chat markup).")
    boolean special;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    RuntimeOptions runtime;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        if ((prompt == null) == (promptFile == null)) {
            throw new ParameterException(commandLine, "give the prompt either with -p or with --file, not both or neither");
        }
        GenerationParams params = sampling.generationParams(commandLine);
        try {
            params = params.withStopStrings(stopStrings);
        } catch (IllegalArgumentException e) {
            throw SamplingOptions.invalid(commandLine, "--stop", e);
        }
        String text = promptFile != null ? Files.readString(promptFile, StandardCharsets.UTF_8) : prompt;
        try (RuntimeOptions.LoadedModel loaded = runtime.open(file, commandLine);
             KvCache cache = runtime.newCache(loaded)) {
            Model model = loaded.model();
            int[] tokens = promptTokens(model.tokenizer(), text);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("the prompt is empty, and " + file.getFileName() + " adds no BOS to start from");
            }
            if (tokens.length >= cache.capacity()) {
                throw new IllegalArgumentException("the prompt takes " + tokens.length + " tokens; the context holds "
                        + cache.capacity() + " (see --ctx)");
            }
            PrintWriter out = commandLine.getOut();
            Generation generation = Generator.of(model).generate(cache, tokens, params, piece -> {
                out.print(piece);
                out.flush();
            });
            PrintWriter err = commandLine.getErr();
            if (!generation.text().isEmpty() && !generation.text().endsWith("\n")) {
                err.println(); // the timings start a line of their own where both streams share a terminal
            }
            err.println(timings(generation.timings()));
            err.flush();
        }
        return 0;
    }

    /** The prompt's tokens, after BOS when the tokenizer asks for one. */
    private int[] promptTokens(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text, special ? SpecialTokenMode.ALL : SpecialTokenMode.USER_DEFINED);
        SpecialTokens specials = tokenizer.specialTokens();
        if (specials.addBos() && specials.bos().isPresent() && (ids.length == 0 || ids[0] != specials.bos().getAsInt())) {
            return IntStream.concat(IntStream.of(specials.bos().getAsInt()), IntStream.of(ids)).toArray();
        }
        return ids;
    }

    static String timings(GenerationTimings t) {
        return String.format(Locale.ROOT, "prompt: %d tokens, %.1f tok/s · generation: %d tokens, %.1f tok/s",
                t.promptTokens(), t.promptTokensPerSecond(), t.generatedTokens(), t.generationTokensPerSecond());
    }
}
