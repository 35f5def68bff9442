package dev.hearth.kb.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A knowledge base's own record.
 *
 * @param name its name, valid per {@link KnowledgeBaseNames}; also its directory's name
 * @param description free text, possibly empty
 * @param createdAt when it was created
 * @param embedderName the embedding model its index was built with
 */
public record KnowledgeBase(String name, String description, Instant createdAt, String embedderName) {
    public KnowledgeBase {
        KnowledgeBaseNames.requireValid(name);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(embedderName, "embedderName");
        if (embedderName.isBlank()) {
            throw new IllegalArgumentException("knowledge base " + name + " needs an embedder name");
        }
    }
}
