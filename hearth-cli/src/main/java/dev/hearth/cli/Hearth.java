package dev.hearth.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code hearth} command: one subcommand class per verb.
 *
 * <p>Failures print one line, {@code hearth: <what went wrong>}, and exit 1 (usage errors exit 2);
 * {@code --debug} adds the stack trace.
 */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = "hearth " + Hearth.VERSION,
        description = "Run large language models on your own machines, in pure Java.",
        subcommands = {InfoCommand.class, TokenizeCommand.class, TokenizerCommand.class, ConvertCommand.class,
                ExportCommand.class, GenerateCommand.class, RunCommand.class, ServeCommand.class, KbCommand.class,
                TrainCommand.class, FinetuneCommand.class, SynthCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Hearth implements Runnable {
    /** Hearth's version, as {@code --version} and Ollama's {@code /api/version} report it. */
    static final String VERSION = "0.1.0";

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    static CommandLine commandLine() {
        Hearth root = new Hearth();
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true); // --kv f16
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("hearth: " + oneLine(e));
            if (root.debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return message + ": no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return message + ": permission denied";
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
