package dev.hearth.model.constrain;

import java.util.List;

/**
 * One element of a compiled JSON grammar (an object with given properties, a string of bounded
 * length, one of some literal texts, a choice of alternatives…) and the byte automaton that reads
 * it. Together the rules form a pushdown automaton over the output's UTF-8 bytes: a thread's top
 * is a rule in some state, below it the {@link Frame}s of the containers it is nested in.
 *
 * <p>A rule's state is a {@code long} that only the rule interprets, so a byte inside a string or a
 * number updates one number and allocates nothing; entering a nested value pushes one frame.
 * Values whose end only the next byte shows (numbers, a literal that prefixes another) end when
 * that byte arrives: the rule hands it on to the container with {@link #finish}.
 *
 * <p>Rules are built by {@link SchemaCompiler}, then {@link #link}ed once: the pass that learns
 * which rules can produce a finite value and drops the parts that cannot, so that no accepted
 * prefix is a dead end. After that they never change and are shared by every constraint built from
 * the grammar, on any thread.
 */
abstract class Rule {
    /** The pseudo-byte after the output's last byte: ends a number at the top level. */
    static final int END = 256;

    /** Whether this rule admits a finite value; settled by {@link #link}. */
    boolean productive;

    /**
     * Starts a value of this rule whose first byte is {@code b}, nested in {@code parent}, adding
     * the threads that accept it to {@code out}. Must reject {@link #END}.
     */
    abstract void start(Frame parent, int b, Threads out);

    /**
     * Feeds byte {@code b} (0–255, or {@link #END}) to a thread whose top is this rule in state
     * {@code state}, adding the threads that follow to {@code out}: none when {@code b} is
     * rejected, one usually, several when the grammar is ambiguous so far.
     */
    abstract void feed(Frame parent, long state, int b, Threads out);

    /** The state a container resumes in after its nested value (or key) ended with {@code result}. */
    long resume(long state, int result) {
        throw new IllegalStateException(getClass().getSimpleName() + " holds no nested value");
    }

    /**
     * The {@link StringBodyTable} that tells which tokens stay inside this string from
     * {@code state} (its lexer state, plus {@link StringLexer#STATES} for keys), or -1 when the
     * thread is not inside a string body. Lets {@link TokenMasker} skip walking the vocabulary
     * trie for the common case of free text.
     */
    int bodyTable(long state) {
        return -1;
    }

    /** How many more characters the string may take from {@code state}; see {@link #bodyTable}. */
    long bodyBudget(long state) {
        return Long.MAX_VALUE;
    }

    /** Recomputes {@link #productive} from the rules this one uses; returns whether it changed. */
    abstract boolean updateProductive();

    /** Drops the parts that cannot produce a finite value, once every rule's productivity is known. */
    void prune() {}

    /**
     * Ends the value on top of a thread: {@code parent} resumes with {@code result}, and reads
     * {@code lookahead} when the value ended because that byte could not continue it (-1 when the
     * value ended by its own last byte).
     */
    static void finish(Frame parent, int result, int lookahead, Threads out) {
        Rule up = parent.rule();
        long resumed = up.resume(parent.state(), result);
        if (lookahead < 0) {
            out.add(parent.parent(), up, resumed);
        } else {
            up.feed(parent.parent(), resumed, lookahead, out);
        }
    }

    /**
     * Settles which rules are productive (a least fixed point: a rule is productive when the
     * parts it requires are) and prunes the rest, so that a matcher never enters a value it
     * cannot end.
     */
    static void link(List<Rule> rules) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Rule rule : rules) {
                changed |= rule.updateProductive();
            }
        }
        for (Rule rule : rules) {
            rule.prune();
        }
    }

    /** JSON's four whitespace bytes. */
    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
