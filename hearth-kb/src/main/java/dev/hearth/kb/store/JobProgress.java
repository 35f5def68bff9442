package dev.hearth.kb.store;

import java.time.Instant;
import java.util.Objects;

/**
 * How far an ingestion job has got.
 *
 * @param filesDone files ingested successfully
 * @param filesFailed files that failed (each has a {@link FileError} in its job)
 * @param chunks chunks indexed so far
 * @param chunksPerSecond the recent indexing rate, for display
 * @param state where the job is
 * @param updatedAt when this progress was recorded
 */
public record JobProgress(int filesDone, int filesFailed, long chunks, double chunksPerSecond, JobState state,
        Instant updatedAt) {
    public JobProgress {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (filesDone < 0 || filesFailed < 0 || chunks < 0 || !(chunksPerSecond >= 0)
                || Double.isInfinite(chunksPerSecond)) {
            throw new IllegalArgumentException("job progress counts and rate must be finite and >= 0; got "
                    + filesDone + " done, " + filesFailed + " failed, " + chunks + " chunks, "
                    + chunksPerSecond + " chunks/s");
        }
    }

    /** A job's progress when it starts. */
    static JobProgress started(Instant at) {
        return new JobProgress(0, 0, 0, 0, JobState.RUNNING, at);
    }
}
