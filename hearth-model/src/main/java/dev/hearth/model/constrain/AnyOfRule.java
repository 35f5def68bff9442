package dev.hearth.model.constrain;

import java.util.ArrayList;
import java.util.List;

/**
 * One of several alternatives ({@code anyOf}, {@code oneOf}, a list of types, {@code nullable}).
 * It has no state of its own: starting it starts every alternative on the same byte, and the
 * matcher carries on with each that accepted ({@link Threads}), until the bytes tell them apart.
 * {@code oneOf}'s "exactly one" is not enforced: a value that fits two branches is accepted.
 */
final class AnyOfRule extends Rule {
    private Rule[] alternatives;

    AnyOfRule(List<Rule> alternatives) {
        this.alternatives = alternatives.toArray(Rule[]::new);
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        for (Rule alternative : alternatives) {
            alternative.start(parent, b, out);
        }
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        throw new IllegalStateException("anyOf is never on top of a thread");
    }

    @Override
    boolean updateProductive() {
        if (productive) {
            return false;
        }
        for (Rule alternative : alternatives) {
            if (alternative.productive) {
                productive = true;
                return true;
            }
        }
        return false;
    }

    @Override
    void prune() {
        List<Rule> kept = new ArrayList<>();
        for (Rule alternative : alternatives) {
            if (alternative.productive) {
                kept.add(alternative);
            }
        }
        alternatives = kept.toArray(Rule[]::new);
    }
}
