package dev.hearth.cli;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.generate.ChatSession;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Model;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth run FILE}: a chat with a model in the terminal. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Chat with a model in the terminal, in its chat template. Type /help for the commands.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The .gguf model.")
    Path file;

    @Option(names = "--system", paramLabel = "TEXT", description = "The system message to start with.")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    RuntimeOptions runtime;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        GenerationParams params = sampling.generationParams(commandLine);
        try (RuntimeOptions.LoadedModel loaded = runtime.open(file, commandLine);
             KvCache cache = runtime.newCache(loaded);
             Terminal terminal = TerminalBuilder.builder().name("hearth").system(true).build()) {
            Model model = loaded.model();
            ChatPrompt prompt = ChatPrompt.forModel(model);
            ChatSession session = new ChatSession(Generator.of(model), prompt, cache);
            session.setSystem(system);
            // no history expansion: a message may well contain '!'
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
            PrintWriter out = terminal.writer();
            out.printf("backend: %s%n", loaded.backend().description());
            out.printf("chat template: %s%n", prompt.description());
            if (!loaded.lora().isEmpty()) {
                out.printf("LoRA adapters: %s%n", loaded.lora());
            }
            out.printf("context: %d tokens. /help for commands; Ctrl-C stops an answer, Ctrl-D or /exit leaves.%n",
                    cache.capacity());
            out.flush();
            ChatLoop loop = new ChatLoop(session, params, reader::readLine, out);
            // while the reader waits for a line it handles Ctrl-C itself; otherwise it stops the answer
            terminal.handle(Terminal.Signal.INT, signal -> loop.cancelAnswer());
            loop.run();
        }
        return 0;
    }
}
