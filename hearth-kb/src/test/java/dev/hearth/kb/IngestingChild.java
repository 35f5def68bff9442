package dev.hearth.kb;

import dev.hearth.kb.embed.ConceptBagEmbedder;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A process that adds a folder to a knowledge base and says after each file how many are done,
 * for {@link KnowledgeBasesKillIT} to kill partway: {@code IngestingChild DATA_DIR FOLDER}.
 */
public final class IngestingChild {
    static final int DIMENSION = 64;

    private IngestingChild() {
    }

    public static void main(String[] args) {
        try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(Path.of(args[0])),
                new ConceptBagEmbedder(DIMENSION))) {
            bases.create("crash", "");
            bases.add("crash", List.of(Path.of(args[1])), Set.of(), job -> {
                System.out.println("files " + (job.progress().filesDone() + job.progress().filesFailed()));
                System.out.flush();
            });
        }
    }
}
