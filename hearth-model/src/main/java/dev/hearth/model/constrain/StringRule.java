package dev.hearth.model.constrain;

/**
 * A string value, with {@code minLength}/{@code maxLength} counted in characters (an escape is
 * one character). State: bits 0–7 the {@link StringLexer} state, bits 8 and up the characters so
 * far. Inside the body the matcher asks {@link StringBodyTable} which tokens fit rather than
 * walking the vocabulary trie byte by byte.
 */
final class StringRule extends Rule {
    private static final int COUNT_SHIFT = 8;

    private final long minLength;
    private final long maxLength;

    StringRule(long minLength, long maxLength) {
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.productive = true;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        if (b == '"') {
            out.add(parent, this, StringLexer.IN);
        }
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        int lexer = (int) (state & 0xFF);
        long count = state >>> COUNT_SHIFT;
        int next = StringLexer.step(lexer, b, false);
        if (next == StringLexer.CLOSE) {
            if (count >= minLength) {
                finish(parent, 0, -1, out);
            }
        } else if (next != StringLexer.DEAD) {
            if (StringLexer.startsCharacter(lexer, b)) {
                if (count >= maxLength) {
                    return;
                }
                count++;
            }
            out.add(parent, this, count << COUNT_SHIFT | next);
        }
    }

    @Override
    int bodyTable(long state) {
        return (int) (state & 0xFF);
    }

    @Override
    long bodyBudget(long state) {
        return maxLength == Long.MAX_VALUE ? Long.MAX_VALUE : maxLength - (state >>> COUNT_SHIFT);
    }

    @Override
    boolean updateProductive() {
        return false; // a leaf: productive from the start
    }
}
