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
 * <p>At each position the longest special-token text that matches wins. Immutable and
 * thread-safe.
 */
public final class SpecialTokenSplitter {

    /** A piece of the input: either plain text for the tokenizer's algorithm, or one special token. */
    public sealed interface Fragment {
        record Text(String text) implements Fragment {}

        record Special(int id) implements Fragment {}
    }

    private record Candidate(String text, int id) {}

    // first character → candidates starting with it, longest first
    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();

    public SpecialTokenSplitter(Vocabulary vocabulary) {
        for (int id = 0; id < vocabulary.size(); id++) {
            String text = vocabulary.token(id);
            if (vocabulary.type(id).isSpecial() && !text.isEmpty()) {
                byFirstChar.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(new Candidate(text, id));
            }
        }
        Comparator<Candidate> longestFirst = Comparator.comparingInt((Candidate c) -> c.text().length()).reversed();
        byFirstChar.values().forEach(list -> list.sort(longestFirst.thenComparingInt(Candidate::id)));
    }

    /**
     * Splits {@code text}. With {@code parseSpecial} false the whole text is one plain fragment
     * (nothing in untrusted text can become a control token). An empty text gives no fragments.
     */
    public List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> out = new ArrayList<>();
        if (!parseSpecial || byFirstChar.isEmpty()) {
            if (!text.isEmpty()) {
                out.add(new Fragment.Text(text));
            }
            return out;
        }
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate match = longestMatchAt(text, i);
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

    private Candidate longestMatchAt(String text, int at) {
        List<Candidate> candidates = byFirstChar.get(text.charAt(at));
        if (candidates != null) {
            for (Candidate c : candidates) {
                if (text.startsWith(c.text(), at)) {
                    return c;
                }
            }
        }
        return null;
    }
}
