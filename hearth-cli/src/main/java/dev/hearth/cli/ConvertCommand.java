package dev.hearth.cli;

import dev.hearth.model.convert.ConvertedModel;
import dev.hearth.model.convert.Llama2cConverter;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hearth convert <format> ...}: turns another project's model files into GGUF. One
 * subcommand per source format; the command alone only says which exist.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a model from another format to GGUF.",
        subcommands = ConvertCommand.Llama2c.class)
final class ConvertCommand {

    /** {@code hearth convert llama2c MODEL.bin --tokenizer TOK.bin -o OUT.gguf}. */
    @Command(name = "llama2c", mixinStandardHelpOptions = true,
            description = "Convert a llama2.c checkpoint (legacy or version-1 float32 .bin) and its tokenizer.bin "
                    + "to a float32 GGUF that llama.cpp loads as architecture llama.")
    static final class Llama2c implements Callable<Integer> {

        @Parameters(paramLabel = "MODEL.bin", description = "The llama2.c checkpoint.")
        Path model;

        @Option(names = "--tokenizer", required = true, paramLabel = "TOK.bin",
                description = "The llama2.c tokenizer file that belongs to the checkpoint.")
        Path tokenizer;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "The GGUF file to write.")
        Path output;

        @Option(names = "--force", description = "Replace OUT.gguf if it exists.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OutputFiles.checkWritable(output, force);
            ConvertedModel converted = Llama2cConverter.convert(model, tokenizer, output);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("wrote %s: %d tensors, %s parameters, F32, %s%n", converted.file(), converted.tensors(),
                    InfoCommand.Units.count(converted.parameters()), InfoCommand.Units.bytes(converted.fileSize()));
            out.flush();
            return 0;
        }
    }
}
