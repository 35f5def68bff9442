package dev.hearth.cli;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.sampling.SamplingParams;

import java.util.function.BiFunction;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The sampling options {@code generate} and {@code run} share. An option left out keeps
 * llama.cpp's default ({@link SamplingParams#defaults()}); values are checked by
 * {@link SamplingParams}, whose message is reported against the option.
 */
final class SamplingOptions {

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 always takes the most likely token (default: 0.8).")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens; 0 = off (default: 40).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Keep the most likely tokens up to probability P; 1 = off (default: 0.95).")
    Float topP;

    @Option(names = "--min-p", paramLabel = "P", description = "Keep tokens at least P times as likely as the best; 0 = off (default: 0.05).")
    Float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "Penalize the last 64 tokens' repeats; 1 = off (default: 1).")
    Float repeatPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random draw, for repeatable output (default: random).")
    Long seed;

    /** The parameters the options give. @throws ParameterException naming the option of a bad value */
    GenerationParams generationParams(CommandLine commandLine) {
        SamplingParams p = SamplingParams.defaults();
        p = with(commandLine, "--temp", p, temperature, SamplingParams::withTemperature);
        p = with(commandLine, "--top-k", p, topK, SamplingParams::withTopK);
        p = with(commandLine, "--top-p", p, topP, SamplingParams::withTopP);
        p = with(commandLine, "--min-p", p, minP, SamplingParams::withMinP);
        p = with(commandLine, "--repeat-penalty", p, repeatPenalty, SamplingParams::withRepetitionPenalty);
        p = with(commandLine, "--seed", p, seed, SamplingParams::withSeed);
        try {
            return GenerationParams.of(p, maxTokens);
        } catch (IllegalArgumentException e) {
            throw invalid(commandLine, "-n", e);
        }
    }

    private static <T> SamplingParams with(CommandLine commandLine, String option, SamplingParams params, T value,
                                           BiFunction<SamplingParams, T, SamplingParams> setter) {
        if (value == null) {
            return params;
        }
        try {
            return setter.apply(params, value);
        } catch (IllegalArgumentException e) {
            throw invalid(commandLine, option, e);
        }
    }

    static ParameterException invalid(CommandLine commandLine, String option, IllegalArgumentException e) {
        return new ParameterException(commandLine, "Invalid value for option '" + option + "': " + e.getMessage());
    }
}
