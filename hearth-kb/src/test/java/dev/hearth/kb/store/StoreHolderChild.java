package dev.hearth.kb.store;

import java.nio.file.Files;
import java.nio.file.Path;

/** The other process of {@link KnowledgeBaseStoreLockIT}: opens a store, says so with a marker file, waits to be killed. */
final class StoreHolderChild {
    private StoreHolderChild() {}

    public static void main(String[] args) throws Exception {
        KnowledgeBaseStore store = KnowledgeBaseStore.open(Path.of(args[0]));
        Files.createFile(Path.of(args[1]));
        Thread.sleep(Long.MAX_VALUE);
        store.close();
    }
}
