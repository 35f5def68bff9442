package dev.hearth.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checks every command that writes a file makes before it starts. */
final class OutputFiles {
    private OutputFiles() {}

    /**
     * Fails unless {@code output}'s folder exists and {@code output} does not, or {@code force} allows
     * replacing it.
     */
    static void checkWritable(Path output, boolean force) throws IOException {
        Path folder = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": no such directory to write " + output.getFileName() + " into");
        }
        if (!force && Files.exists(output)) {
            throw new FileAlreadyExistsException(output.toString(), null, "already exists (use --force to replace it)");
        }
    }

    /**
     * Fails when {@code output} is one of {@code inputs} (even {@code --force} does not let a command
     * replace what it reads), saying what the input is, e.g. "one of the corpus files".
     */
    static void refuseToReplaceAnInput(Path output, Iterable<Path> inputs, String whatTheInputIs) throws IOException {
        for (Path input : inputs) {
            if (Files.exists(output) && Files.exists(input) && Files.isSameFile(input, output)) {
                throw new IOException(output + ": is " + whatTheInputIs + "; refusing to overwrite an input");
            }
        }
    }
}
