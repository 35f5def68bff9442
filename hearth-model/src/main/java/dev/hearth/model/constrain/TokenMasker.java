package dev.hearth.model.constrain;

/**
 * Finds every token the matcher threads accept, by walking the {@link TokenTrie} with them: a
 * node's byte is fed to the threads that survived its parent, a node no thread survives is skipped
 * with its whole subtree, and the tokens at a surviving node are allowed. Threads are kept per
 * trie depth, so going back up costs nothing (rule states are values, frames immutable).
 *
 * <p>A thread inside a string body takes the shortcut of {@link StringBodyTable}: its tokens are
 * read from the table, and only the subtrees below the closing quotes are walked, after replaying
 * the bytes up to the quote through the thread (that checks {@code minLength} and free-form key
 * names exactly).
 *
 * <p>One per constraint; not thread-safe.
 */
final class TokenMasker {
    private final TokenTrie trie;
    private final Threads[] levels; // levels[d]: the threads after the first d bytes of the current path
    private final Threads general = new Threads();
    private final Threads replayA = new Threads();
    private final Threads replayB = new Threads();

    TokenMasker(TokenTrie trie) {
        this.trie = trie;
        this.levels = new Threads[trie.maxTokenBytes + 1];
    }

    /** Sets the bit of every token that {@code threads} accept as their next token. */
    void allow(Threads threads, long[] allowed) {
        general.clear();
        for (int i = 0; i < threads.size(); i++) {
            int table = threads.rule(i).bodyTable(threads.state(i));
            if (table >= 0) {
                allowInString(threads, i, trie.body(table), allowed);
            } else {
                general.addFrom(threads, i);
            }
        }
        if (!general.isEmpty()) {
            walk(0, general, allowed);
        }
    }

    private void allowInString(Threads threads, int i, StringBodyTable body, long[] allowed) {
        long budget = threads.rule(i).bodyBudget(threads.state(i));
        if (budget >= trie.maxTokenBytes) {
            for (int w = 0; w < allowed.length; w++) {
                allowed[w] |= body.inside[w];
            }
        } else {
            for (int w = 0; w < allowed.length; w++) {
                for (long bits = body.inside[w]; bits != 0; bits &= bits - 1) {
                    int id = w << 6 | Long.numberOfTrailingZeros(bits);
                    int chars = body.characters[id] & 0xFF;
                    if (chars <= budget && chars < 255) {
                        allowed[w] |= 1L << id;
                    }
                }
            }
        }
        for (int exit : body.exits) {
            Threads after = replay(threads, i, exit);
            if (!after.isEmpty()) {
                allowTokensAt(exit, allowed);
                walk(exit, after, allowed);
            }
        }
    }

    /** Thread {@code i} after the bytes of {@code node}'s prefix. */
    private Threads replay(Threads threads, int i, int node) {
        Threads in = replayA;
        in.clear();
        in.addFrom(threads, i);
        for (int k = 0, n = trie.depth[node]; k < n && !in.isEmpty(); k++) {
            Threads out = in == replayA ? replayB : replayA;
            out.clear();
            in.feed(trie.prefixByte(node, k), out);
            in = out;
        }
        return in;
    }

    /** Walks the subtree below {@code from}, whose prefix {@code start} has already read. */
    private void walk(int from, Threads start, long[] allowed) {
        int base = trie.depth[from];
        for (int node = from + 1, end = trie.subtreeEnd[from]; node < end; ) {
            int d = trie.depth[node] - base;
            Threads in = d == 1 ? start : levels[d - 1];
            Threads out = level(d);
            out.clear();
            in.feed(trie.label[node] & 0xFF, out);
            if (out.isEmpty()) {
                node = trie.subtreeEnd[node];
            } else {
                allowTokensAt(node, allowed);
                node++;
            }
        }
    }

    private Threads level(int d) {
        Threads level = levels[d];
        if (level == null) {
            level = levels[d] = new Threads();
        }
        return level;
    }

    private void allowTokensAt(int node, long[] allowed) {
        for (int k = trie.tokenStart[node], end = trie.tokenStart[node + 1]; k < end; k++) {
            int id = trie.tokens[k];
            allowed[id >>> 6] |= 1L << id;
        }
    }
}
