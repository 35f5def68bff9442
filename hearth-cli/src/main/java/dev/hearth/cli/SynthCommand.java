package dev.hearth.cli;

import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthPlan;
import dev.hearth.model.synth.SynthResult;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hearth synth --preset P --type T -o OUT.gguf}: a model file with a real model's shapes and
 * random weights, for benchmarks.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a synthetic model: the architecture, hyperparameters, tensor shapes and types, and "
                + "tokenizer layout of a real model, with seeded random weights (meaningless output, real speed). "
                + "llama.cpp loads the file too."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--preset", required = true, paramLabel = "PRESET", converter = PresetConverter.class,
            description = "The model whose shape to copy: qwen2.5-0.5b, qwen2.5-1.5b, llama-3.2-1b, or tiny "
                    + "(a few MB of Qwen2.5's kind, for tests).")
    Preset preset;

    @Option(names = "--type", required = true, paramLabel = "TYPE", converter = TypeConverter.class,
            description = "Weight types, as llama.cpp's file types: f16, q8_0, q4_0 or q4_k_m (llama-quantize's mix).")
    SynthType type;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "The GGUF file to write.")
    Path output;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the random weights; the same seed writes the same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads that generate and quantize (default: all processors).")
    Integer threads;

    @Option(names = "--force", description = "Replace OUT.gguf if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OutputFiles.checkWritable(output, force);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        }
        long start = System.nanoTime();
        SynthPlan plan = SyntheticModels.plan(preset, type);
        SynthResult result = SyntheticModels.write(plan, seed, output, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "wrote %s: %s %s, %d tensors, %s parameters, %s in %.1f s%n", result.file(),
                preset.cliName(), type.cliName(), result.tensors(), InfoCommand.Units.count(result.parameters()),
                InfoCommand.Units.bytes(result.fileSize()), seconds);
        out.flush();
        return 0;
    }

    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String value) {
            try {
                return Preset.named(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class TypeConverter implements CommandLine.ITypeConverter<SynthType> {
        @Override
        public SynthType convert(String value) {
            try {
                return SynthType.named(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
