package dev.hearth.model.sampling;

import java.util.List;
import java.util.Optional;

/**
 * Finds stop strings in text streamed chunk by chunk. Each {@link #accept} returns the text that
 * is safe to show now: text that could still turn out to be the start of a stop string is held
 * back until the next chunk settles it. Once a stop string completes, the text before it is
 * returned and the stop string and everything after it are dropped.
 *
 * <p>When stop strings overlap, the one that completes first wins (on a tie, the longer one), as
 * if the text were read one character at a time; so the result never depends on how the text was
 * split into chunks. A chunk may even end between the two halves of a surrogate pair.
 *
 * <p>Not thread-safe: one matcher per sequence.
 */
public final class StopStringMatcher {
    private final List<String> stopStrings;
    private final StringBuilder pending = new StringBuilder(); // held back: may start a stop string
    private boolean stopped;

    private StopStringMatcher(List<String> stopStrings) {
        this.stopStrings = stopStrings;
    }

    /**
     * A matcher for these stop strings; with none, every chunk passes straight through.
     *
     * @throws IllegalArgumentException if a stop string is empty
     */
    public static StopStringMatcher of(List<String> stopStrings) {
        List<String> copy = List.copyOf(stopStrings);
        if (copy.contains("")) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
        return new StopStringMatcher(copy);
    }

    /** What to emit after a chunk, and the stop string that ended the text, if one did. */
    public record Output(String text, Optional<String> stopString) {
        public boolean stopped() {
            return stopString.isPresent();
        }
    }

    /**
     * Adds the next chunk of text.
     *
     * @throws IllegalStateException if a stop string has already completed
     */
    public Output accept(String chunk) {
        if (stopped) {
            throw new IllegalStateException("a stop string has already ended this text");
        }
        pending.append(chunk);
        // No stop string lies wholly in the text held back before, so any match ends in this chunk.
        String first = null;
        int firstStart = 0;
        int firstEnd = Integer.MAX_VALUE;
        for (String stop : stopStrings) {
            int start = pending.indexOf(stop);
            int end = start + stop.length();
            if (start >= 0 && (end < firstEnd || (end == firstEnd && start < firstStart))) {
                first = stop;
                firstStart = start;
                firstEnd = end;
            }
        }
        if (first != null) {
            stopped = true;
            String text = pending.substring(0, firstStart);
            pending.setLength(0);
            return new Output(text, Optional.of(first));
        }
        int safe = pending.length() - heldBackLength();
        String text = pending.substring(0, safe);
        pending.delete(0, safe);
        return new Output(text, Optional.empty());
    }

    /** Returns the text still held back; call once the text has ended without a stop string. */
    public String flush() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    /**
     * The length of the longest end of the pending text that is a proper start of a stop string,
     * or at least 1 if the text ends with the first half of a surrogate pair.
     */
    private int heldBackLength() {
        int n = pending.length();
        int held = n > 0 && Character.isHighSurrogate(pending.charAt(n - 1)) ? 1 : 0;
        for (String stop : stopStrings) {
            for (int length = Math.min(stop.length() - 1, n); length > held; length--) {
                if (endsWith(stop, length)) {
                    held = length;
                    break;
                }
            }
        }
        return held;
    }

    /** Whether the pending text ends with the first {@code length} characters of {@code stop}. */
    private boolean endsWith(String stop, int length) {
        int offset = pending.length() - length;
        for (int i = 0; i < length; i++) {
            if (pending.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
