package dev.hearth.cli;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.lora.LoraMerge;
import dev.hearth.model.lora.ScaledLora;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth export --merge BASE.gguf ADAPTER.gguf[:SCALE]… -o MERGED.gguf}: a model with LoRA adapters merged in. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model with LoRA adapters merged into its weights: each tensor an adapter changes becomes"
                + " W + s·B·A (s = SCALE · alpha / rank, as llama.cpp computes it), as llama.cpp's llama-export-lora does.",
                "A changed tensor keeps its type where Hearth can write it (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K),"
                        + " and becomes F16 otherwise; the output says which. Every other tensor, and all metadata, is"
                        + " copied unchanged."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--merge", required = true, paramLabel = "BASE.gguf", description = "The base model.")
    Path base;

    @Parameters(paramLabel = "ADAPTER.gguf[:SCALE]", arity = "1..*", converter = LoraFile.Converter.class,
            description = "LoRA adapters made for the base model, each at SCALE (default 1); they add up.")
    List<LoraFile> adapters = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MERGED.gguf", description = "The GGUF file to write.")
    Path output;

    @Option(names = "--force", description = "Replace MERGED.gguf if it exists (never an input).")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Path> inputs = new ArrayList<>(List.of(base));
        adapters.forEach(a -> inputs.add(a.path()));
        OutputFiles.refuseToReplaceAnInput(output, inputs, "an input of the merge");
        OutputFiles.checkWritable(output, force);
        List<ScaledLora> read = new ArrayList<>();
        for (LoraFile adapter : adapters) {
            read.add(adapter.read());
        }
        List<LoraMerge.MergedTensor> merged = LoraMerge.write(base, read, output);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("merged %s into %d tensors of %s%n", String.join(", ", adapters.stream()
                .map(a -> a.path().getFileName() + " at " + a.scale()).toList()), merged.size(), base.getFileName());
        Map<String, List<String>> byTypes = new LinkedHashMap<>();
        for (LoraMerge.MergedTensor t : merged) {
            byTypes.computeIfAbsent(types(t.baseType(), t.writtenType()), k -> new ArrayList<>()).add(t.name());
        }
        byTypes.forEach((types, names) -> out.printf("  %d %s: %s%n", names.size(), types, String.join(", ", names)));
        out.printf("wrote %s, %s%n", output, InfoCommand.Units.bytes(Files.size(output)));
        out.flush();
        return 0;
    }

    private static String types(GgmlType from, GgmlType to) {
        return from == to ? "kept " + to : from + " written as " + to + " (Hearth cannot write " + from + ")";
    }
}
