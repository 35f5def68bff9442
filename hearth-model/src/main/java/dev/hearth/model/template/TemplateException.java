package dev.hearth.model.template;

/**
 * A chat template could not be compiled or rendered: a syntax error, an unknown filter, or the
 * template's own {@code raise_exception(…)} (which templates use to reject a conversation they
 * cannot format, e.g. roles out of order).
 */
public final class TemplateException extends RuntimeException {
    private final String problem;
    private final int line;

    TemplateException(String problem, int line, Throwable cause) {
        super((line > 0 ? "chat template line " + line + ": " : "chat template: ") + problem, cause);
        this.problem = problem;
        this.line = line;
    }

    /** What went wrong, without the line; for {@code raise_exception(msg)} exactly {@code msg}. */
    public String problem() {
        return problem;
    }

    /** The template line (1-based) where it went wrong, or 0 when unknown. */
    public int line() {
        return line;
    }
}
