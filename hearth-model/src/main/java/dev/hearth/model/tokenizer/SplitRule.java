package dev.hearth.model.tokenizer;

/**
 * One step of a pre-tokenizer, as one entry of llama.cpp's regex list: it cuts each piece the
 * previous steps made into smaller pieces. Text between matches becomes a piece of its own, so
 * nothing is ever dropped.
 */
interface SplitRule {

    /**
     * Cuts the piece {@code [start, end)} of {@code text} (code point indices) and adds the end of
     * each smaller piece, in order, to {@code ends}; the last one added is {@code end}. Never adds
     * an offset that is not past the last one in {@code ends}, so no piece is empty.
     */
    void split(CodepointText text, int start, int end, IntList ends);

    /**
     * The rule for one llama.cpp pre-tokenizer regex. GPT-2's and Llama 3's patterns get the
     * hand-written scanners llama.cpp itself uses for them; any other pattern runs as a regex.
     */
    static SplitRule forRegex(String regex) {
        if (regex.equals(Gpt2SplitRule.REGEX)) {
            return new Gpt2SplitRule();
        }
        if (Llama3SplitRule.REGEXES.contains(regex)) {
            return new Llama3SplitRule();
        }
        return PatternSplitRule.compile(regex);
    }

    /** Adds {@code end} to {@code ends} unless it would make an empty piece. */
    static void cut(IntList ends, int end) {
        if (end > ends.lastOr(0)) {
            ends.add(end);
        }
    }
}
