package dev.hearth.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hearth serve} in a JVM of its own (as an operator runs it, so SIGTERM is real), on a free
 * port; its standard error (the request log) goes to a file.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hearth is listening on (http://\\S+) ");

    final Process process;
    final String url;
    private final Path err;
    private final HttpClient client = HttpClient.newHttpClient();
    private String key;

    private ServeProcess(Process process, String url, Path err) {
        this.process = process;
        this.url = url;
        this.err = err;
    }

    static ServeProcess start(String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", classpath, "dev.hearth.cli.Hearth", "serve", "--port", "0", "--threads", "2"));
        if (!List.of(args).contains("--data-dir")) {
            command.add("--no-kb"); // knowledge bases only where a test gives them a data directory of its own
        }
        command.addAll(List.of(args));
        Path err = Files.createTempFile("hearth-serve", ".err");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("hearth serve did not start: " + Files.readString(err), e);
        }
        Matcher m = line == null ? null : LISTENING.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IOException("hearth serve printed '" + line + "', not its URL; stderr: " + Files.readString(err));
        }
        return new ServeProcess(process, m.group(1), err);
    }

    ServeProcess withKey(String key) {
        this.key = key;
        return this;
    }

    /** What it wrote to standard error so far. */
    String stderr() {
        try {
            return Files.readString(err, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient client() {
        return client;
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
