package dev.hearth.serve.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void hashIsTheSha256OfTheKeysUtf8AsSha256sumPrintsIt() {
        // printf %s abc | sha256sum
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void acceptsTheKeysWhoseHashesTheFileHoldsAndNothingElse() throws IOException {
        Path file = Files.writeString(dir.resolve("keys"), """
                # team A
                %s
                %s  -
                   # indented comment

                """.formatted(ApiKeys.hash("alpha-key"), ApiKeys.hash("beta-key")));
        ApiKeys keys = ApiKeys.load(file);
        assertThat(keys.required()).isTrue();
        assertThat(keys.accepts("alpha-key")).isTrue();
        assertThat(keys.accepts("beta-key")).isTrue();
        assertThat(keys.accepts("alpha-key ")).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
        assertThat(keys.toString()).isEqualTo("ApiKeys[2 hashes]");
        assertThat(ApiKeys.none().required()).isFalse();
    }

    @Test
    void aLineThatIsNotAHashIsRefusedWithoutEchoingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("keys"), ApiKeys.hash("a") + "\nsk-my-secret-key\n");
        assertThatThrownBy(() -> ApiKeys.load(file))
                .hasMessageContaining("line 2").hasMessageContaining("SHA-256")
                .hasMessageNotContaining("sk-my-secret-key");
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> ApiKeys.load(empty)).hasMessageContaining("holds no key hashes");
    }

    @Test
    void bearerTakesTheKeyOfAnAuthorizationHeader() {
        assertThat(ApiKeys.bearer("Bearer sk-1")).isEqualTo("sk-1");
        assertThat(ApiKeys.bearer("bearer   sk-1 ")).isEqualTo("sk-1");
        assertThat(ApiKeys.bearer("Basic dXNlcjpwYXNz")).isNull();
        assertThat(ApiKeys.bearer("Bearer ")).isNull();
        assertThat(ApiKeys.bearer(null)).isNull();
    }
}
