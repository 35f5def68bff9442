package dev.hearth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command: one subcommand class per verb. */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = "hearth 0.1.0",
        description = "Run large language models on your own machines, in pure Java.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Hearth implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Hearth()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
