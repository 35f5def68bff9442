package dev.hearth.kb.store;

/** Where a document is in ingestion. */
public enum DocumentStatus {
    /** Recorded, not yet in the index. */
    PENDING,
    /** Its chunks are in the index. */
    INDEXED,
    /** Ingestion failed; the record says why. */
    FAILED
}
