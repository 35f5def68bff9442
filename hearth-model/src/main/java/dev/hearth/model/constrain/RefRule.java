package dev.hearth.model.constrain;

/**
 * A {@code $ref}: stands for the rule compiled from the schema it points to, which may not exist
 * yet when the reference is met (recursive schemas). Only ever started, never on a stack: a
 * thread's top is always the target's own rule.
 */
final class RefRule extends Rule {
    private Rule target;

    void resolve(Rule target) {
        this.target = target;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        target.start(parent, b, out);
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        throw new IllegalStateException("a reference is never on top of a thread");
    }

    @Override
    boolean updateProductive() {
        boolean was = productive;
        productive = target.productive;
        return productive != was;
    }
}
