package dev.hearth.model.constrain;

import java.util.List;

/**
 * One of a fixed set of texts: {@code true}/{@code false}, {@code null}, or the values of an
 * {@code enum} or {@code const} written as compact JSON. State: the node of the {@link ByteTrie}
 * reached so far. A text ends with its last byte unless a longer text continues it (the enum
 * {@code [1, 12]}), in which case the next byte decides.
 */
final class LiteralRule extends Rule {
    private final ByteTrie texts;

    /** @param texts at least one, none empty */
    LiteralRule(List<byte[]> texts) {
        this.texts = ByteTrie.of(texts);
        this.productive = true;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        feed(parent, 0, b, out);
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        int node = (int) state;
        int child = texts.child(node, b);
        if (child >= 0) {
            if (texts.value(child) >= 0 && !texts.hasChildren(child)) {
                finish(parent, 0, -1, out);
            } else {
                out.add(parent, this, child);
            }
        } else if (texts.value(node) >= 0) {
            finish(parent, 0, b, out); // a whole text that b does not continue: b is the container's
        }
    }

    @Override
    boolean updateProductive() {
        return false; // a leaf: productive from the start
    }
}
