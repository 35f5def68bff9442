package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's and Ollama's official JavaScript clients (the {@code openai} and {@code ollama} npm
 * packages, pinned in {@code src/test/node/package-lock.json}) against a real {@code hearth serve}
 * process over llama2.c's stories260K and a tiny synthetic model, with an API key.
 *
 * <p>The checks are in {@code src/test/node/clients.mjs}, which prints one line per check; this test
 * runs it and fails with its output unless it exits 0. It needs Node.js and the packages installed
 * ({@code npm ci} in {@code hearth-cli/src/test/node}, which {@code .ci/run} does before the tests):
 * without them it is skipped with that command, and under CI ({@code CI=true}) it fails.
 */
class OfficialClientsIT {
    private static final Path NODE_PROJECT = Path.of(System.getProperty("basedir", "."), "src", "test", "node")
            .toAbsolutePath().normalize();
    private static final String INSTALL = "(cd hearth-cli/src/test/node && npm ci)";
    private static final String KEY = "sk-hearth-clients-3f9a";
    private static final long SCRIPT_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    @Test
    void officialOpenAiAndOllamaClientsWork() throws Exception {
        String node = nodeWithClients();
        Path data = TestData.file("stories260k");
        Path stories = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        int width;
        try (GgufFile file = GgufFile.open(stories)) {
            width = file.metadata().getInt("llama.embedding_length");
        }
        Path tiny = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        Path keys = Files.writeString(dir.resolve("keys"), ApiKeys.hash(KEY) + "\n");

        try (ServeProcess server = ServeProcess.start("--model", "stories=" + stories, "--model", "tiny=" + tiny,
                "--api-key-file", keys.toString(), "--kv-budget", "32m", "--parallel", "4")) {
            List<String> command = List.of(node, "clients.mjs", "--url", server.url, "--key", KEY,
                    "--model", "stories", "--width", Integer.toString(width), "--stream-model", "tiny");
            Path output = dir.resolve("clients.out");
            Process script = new ProcessBuilder(command).directory(NODE_PROJECT.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean exited = script.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                script.destroyForcibly().waitFor();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(exited).as("%s did not finish in %d s; it printed:%n%s%nhearth serve's log:%n%s",
                    String.join(" ", command), SCRIPT_TIMEOUT_SECONDS, printed, server.stderr()).isTrue();
            assertThat(script.exitValue()).as("%s exited %d; it printed:%n%s%nhearth serve's log:%n%s",
                    String.join(" ", command), script.exitValue(), printed, server.stderr()).isZero();
            assertThat(printed).contains("official clients: all ").doesNotContain("FAIL").doesNotContain(KEY);
            System.out.print(printed); // what was checked, for the build's log
            assertThat(server.stderr()).doesNotContain(KEY);
        }
    }

    /**
     * The {@code node} command, once Node.js and the installed clients are found; otherwise skips
     * the test, saying what to run (under CI, fails).
     */
    private static String nodeWithClients() throws InterruptedException {
        String node = "node";
        try {
            Process probe = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            String version = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                missing("'node --version' failed: " + version);
            }
        } catch (IOException e) {
            missing("Node.js is not installed ('node' is not on the PATH: " + e.getMessage() + ")");
        }
        for (String client : List.of("openai", "ollama")) {
            if (!Files.isRegularFile(NODE_PROJECT.resolve("node_modules").resolve(client).resolve("package.json"))) {
                missing("the npm package '" + client + "' is not installed in " + NODE_PROJECT);
            }
        }
        return node;
    }

    private static void missing(String what) {
        String message = "OFFICIAL CLIENTS MISSING: " + what + "; install them with " + INSTALL
                + " (Node.js 20 or later, and the npm registry)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: this is a failure)");
        }
        System.err.println("*** " + message + " — SKIPPED ***");
        Assumptions.abort(message);
    }
}
