package dev.hearth.kb;

import java.time.Instant;

/**
 * A knowledge base as listed: its name, what it is for, and how much it holds.
 *
 * @param embedder the embedding model its vectors come from
 * @param documents documents it holds, failed ones included
 * @param chunks passages in its index
 */
public record KnowledgeBaseSummary(String name, String description, Instant createdAt, String embedder,
                                   int documents, int chunks) {}
