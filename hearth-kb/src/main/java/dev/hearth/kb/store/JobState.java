package dev.hearth.kb.store;

/** Where an ingestion job is; all but RUNNING are final. */
public enum JobState {
    RUNNING,
    DONE,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
