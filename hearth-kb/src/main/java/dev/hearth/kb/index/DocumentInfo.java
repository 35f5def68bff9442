package dev.hearth.kb.index;

import java.util.Objects;
import java.util.Set;

/**
 * What the index keeps about a document beside its chunks: copied onto every chunk, so a hit needs no
 * second lookup and a tag filter is a term query.
 *
 * @param name the name shown with a hit, e.g. its path within the knowledge base
 * @param tags labels a search can filter on; exact, case-sensitive matches
 */
public record DocumentInfo(String name, Set<String> tags) {
    public DocumentInfo {
        Objects.requireNonNull(name, "name");
        tags = Set.copyOf(tags);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a document needs a non-blank name");
        }
        for (String tag : tags) {
            if (tag.isBlank()) {
                throw new IllegalArgumentException("document " + name + " has a blank tag");
            }
        }
    }
}
