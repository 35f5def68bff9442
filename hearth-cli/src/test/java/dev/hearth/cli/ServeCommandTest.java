package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.serve.http.ApiKeys;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth serve}'s options: bad values exit 2 naming the option, before anything is loaded. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void hashKeyPrintsTheLineForTheKeyFileWithoutTheKey() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("sk-secret\n".getBytes(StandardCharsets.UTF_8)));
            CliRun run = CliRun.of("serve", "--hash-key");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo(ApiKeys.hash("sk-secret") + "\n").doesNotContain("sk-secret");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void badValuesExitTwoNamingTheOption() throws Exception {
        Path model = Files.write(dir.resolve("m.gguf"), new byte[8]);
        assertThat(CliRun.of("serve", "--no-kb").err()).contains("with --no-kb, give at least one model");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--port", "70000"), "--port");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--parallel", "0"), "--parallel");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--kv-budget", "lots"), "--kv-budget");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--keep-alive", "soon"), "--keep-alive");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--max-tokens", "0"), "--max-tokens");
        assertFails(CliRun.of("serve", "--no-kb", "--model", "a b=" + model), "--model");
        assertFails(CliRun.of("serve", "--no-kb", dir.resolve("missing.gguf").toString()), "no such file");
        assertFails(CliRun.of("serve", "--no-kb", "--models-dir", Files.createDirectories(dir.resolve("empty")).toString()), "--models-dir");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--kb-model", "other"), "--kb-model");
        Path keys = Files.writeString(dir.resolve("keys"), "not-a-hash\n");
        assertFails(CliRun.of("serve", "--no-kb", model.toString(), "--api-key-file", keys.toString()), "--api-key-file");
    }

    @Test
    void aLoraAdapterThatFitsNoServedModelExitsTwoNamingIt() throws Exception {
        Path base = SyntheticModel.of(SyntheticModel.Spec.llama()).write(dir.resolve("llama.gguf"));
        Path adapter = RandomAdapters.write(base, 2, 1, dir.resolve("adapter.gguf"));
        Path other = SyntheticModel.of(SyntheticModel.Spec.qwen2()).write(dir.resolve("qwen.gguf"));
        CliRun run = CliRun.of("serve", "--no-kb", other.toString(), "--lora", adapter + ":0.5");
        assertFails(run, "Invalid value for option '--lora': " + adapter + " fits none of the served models (qwen: ");
        assertThat(run.err()).contains("the adapter is for 'llama', but " + other + " is 'qwen2'");
    }

    @Test
    void sizesAndDurationsReadAsPeopleWriteThem() {
        assertThat(Quantities.bytes("512m")).isEqualTo(512L << 20);
        assertThat(Quantities.bytes("8G")).isEqualTo(8L << 30);
        assertThat(Quantities.bytes("1.5k")).isEqualTo(1536);
        assertThat(Quantities.bytes("4096")).isEqualTo(4096);
        assertThat(Quantities.bytes("2GiB")).isEqualTo(2L << 30);
        assertThat(Quantities.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Quantities.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Quantities.duration("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Quantities.duration("-1")).isNegative();
    }

    private static void assertFails(CliRun run, String naming) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(naming);
        assertThat(run.out()).isEmpty();
    }
}
