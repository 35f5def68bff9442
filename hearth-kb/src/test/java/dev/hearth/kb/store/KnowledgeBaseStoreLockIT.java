package dev.hearth.kb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2's own file lock, seen from a second process: the message says what is going on. */
class KnowledgeBaseStoreLockIT {

    @TempDir
    Path dir;

    @Test
    void anotherProcessHoldingTheStoreIsReportedClearly() throws Exception {
        Path dataDir = dir.resolve("data");
        Path marker = dir.resolve("opened");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StoreHolderChild.class.getName(), dataDir.toString(), marker.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("the holder exited early; see child.log").isTrue();
                assertThat(System.nanoTime()).as("the holder never opened the store").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThatThrownBy(() -> KnowledgeBaseStore.open(dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another Hearth process");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        // the killed holder's lock went with it
        try (KnowledgeBaseStore store = KnowledgeBaseStore.open(dataDir)) {
            assertThat(store.knowledgeBases()).isEmpty();
        }
    }
}
