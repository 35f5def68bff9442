package dev.hearth.kb;

import dev.hearth.kb.store.IngestionJob;

/** Hears how an ingestion job goes: after each file and each batch of embedded passages. */
@FunctionalInterface
public interface IngestionListener {
    IngestionListener NONE = job -> {};

    /** The job as it stands; its state is no longer RUNNING at the last call. */
    void progress(IngestionJob job);
}
