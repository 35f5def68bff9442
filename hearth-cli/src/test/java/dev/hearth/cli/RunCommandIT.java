package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth run} in a JVM of its own, its standard input a pipe (JLine's dumb terminal) rather
 * than a terminal, on llama2.c's stories260K: with {@code --lora}, a turn is answered as the model
 * with the adapter merged in answers it.
 */
class RunCommandIT {
    @TempDir
    static Path dir;
    static Path stories;
    static Path adapter;

    @BeforeAll
    static void prepare() throws Exception {
        Path data = TestData.file("stories260k");
        stories = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        adapter = RandomAdapters.write(stories, 4, 1, dir.resolve("adapter.gguf"));
    }

    /** What {@code hearth run ARGS} prints after the line it reads from standard input, until that input ends. */
    private static String answer(String line, String... args) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", classpath, "dev.hearth.cli.Hearth", "run", "--threads", "2", "--temp", "0", "-n", "30"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "run", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("hearth run ends with its input").isTrue();
        String printed = Files.readString(out);
        assertThat(process.exitValue()).as(printed).isZero();
        // the banner (backend, template, adapters, context) ends with the context line
        int context = printed.indexOf("\ncontext: ");
        assertThat(context).as(printed).isNotNegative();
        return printed.substring(printed.indexOf('\n', context + 1) + 1);
    }

    @Test
    void aTurnWithTheAdapterIsAnsweredAsByTheModelItIsMergedInto() throws Exception {
        Path merged = dir.resolve("merged.gguf");
        CliRun export = CliRun.of("export", "--merge", stories.toString(), adapter + ":0.7", "-o", merged.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();

        String withLora = answer("Tell me a story.", stories.toString(), "--lora", adapter + ":0.7");
        String fromMerged = answer("Tell me a story.", merged.toString());
        String plain = answer("Tell me a story.", stories.toString());
        assertThat(withLora).isNotBlank().isEqualTo(fromMerged).isNotEqualTo(plain);
    }
}
