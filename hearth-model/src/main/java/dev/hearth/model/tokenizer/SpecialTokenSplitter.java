package dev.hearth.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts text into plain-text fragments and whole special tokens (control and user-defined
 * entries of the vocabulary), before the tokenizer's algorithm sees the plain parts.
 *
 * <p>At each position the longest special-token text that matches wins; which tokens take part
 * is the caller's {@link SpecialTokenMode}. Immutable and thread-safe.
 */
public final class SpecialTokenSplitter {

    /** A piece of the input: either plain text for the tokenizer's algorithm, or one special token. */
    public sealed interface Fragment {
        record Text(String text) implements Fragment {}

        record Special(int id) implements Fragment {}
    }

    private record Candidate(String text, int id, boolean control) {}

    // first character → candidates starting with it, longest first
    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();
    private final boolean hasUserDefined;

    public SpecialTokenSplitter(Vocabulary vocabulary) {
        boolean userDefined = false;
        for (int id = 0; id < vocabulary.size(); id++) {
            String text = vocabulary.token(id);
            TokenType type = vocabulary.type(id);
            if (type.isSpecial() && !text.isEmpty()) {
                boolean control = type == TokenType.CONTROL;
                byFirstChar.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(new Candidate(text, id, control));
                userDefined |= !control;
            }
        }
        hasUserDefined = userDefined;
        Comparator<Candidate> longestFirst = Comparator.comparingInt((Candidate c) -> c.text().length()).reversed();
        byFirstChar.values().forEach(list -> list.sort(longestFirst.thenComparingInt(Candidate::id)));
    }

    /**
     * Splits {@code text}, cutting out the special tokens {@code mode} matches. An empty text gives
     * no fragments.
     */
    public List<Fragment> split(String text, SpecialTokenMode mode) {
        List<Fragment> out = new ArrayList<>();
        if (byFirstChar.isEmpty() || !mode.matchesUserDefined() || (!mode.matchesControl() && !hasUserDefined)) {
            if (!text.isEmpty()) {
                out.add(new Fragment.Text(text));
            }
            return out;
        }
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate match = longestMatchAt(text, i, mode);
            if (match == null) {
                i++;
                continue;
            }
            if (i > plainStart) {
                out.add(new Fragment.Text(text.substring(plainStart, i)));
            }
            out.add(new Fragment.Special(match.id()));
            i += match.text().length();
            plainStart = i;
        }
        if (plainStart < text.length()) {
            out.add(new Fragment.Text(text.substring(plainStart)));
        }
        return out;
    }

    private Candidate longestMatchAt(String text, int at, SpecialTokenMode mode) {
        List<Candidate> candidates = byFirstChar.get(text.charAt(at));
        if (candidates != null) {
            for (Candidate c : candidates) {
                if ((c.control() ? mode.matchesControl() : mode.matchesUserDefined()) && text.startsWith(c.text(), at)) {
                    return c;
                }
            }
        }
        return null;
    }
}
