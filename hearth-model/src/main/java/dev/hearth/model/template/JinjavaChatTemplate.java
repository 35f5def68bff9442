package dev.hearth.model.template;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

/**
 * A chat template rendered by Jinjava in an environment that behaves as Hugging Face's jinja2
 * one ({@link JinjaEnvironment}), after the source rewrites Jinjava needs ({@link SourceRewriter}).
 *
 * <p>Immutable; the Jinjava engine it holds is safe for concurrent renders.
 */
final class JinjavaChatTemplate implements ChatTemplate {
    private final String source;
    private final String rewritten;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /** @param clock the time {@code strftime_now} reads; tests fix it */
    JinjavaChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.rewritten = SourceRewriter.rewrite(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.jinjava = JinjaEnvironment.create(clock);
        checkSyntax();
    }

    @Override
    public String render(ChatRequest request) {
        RenderResult result = jinjava.renderForResult(rewritten, TemplateVariables.of(request, bosToken, eosToken));
        throwIfFailed(result.getErrors());
        return result.getOutput();
    }

    @Override
    public String source() {
        return source;
    }

    /**
     * Finds what jinja2 reports at compile time: misplaced or unclosed tags (Jinjava's parse)
     * and unknown filters and tests (which Jinjava would silently render as nothing).
     * Expressions themselves are only parsed when evaluated.
     */
    private void checkSyntax() {
        var globals = jinjava.getGlobalContext();
        for (SourceRewriter.NameUse use : SourceRewriter.namesUsed(source)) {
            boolean known = use.filter() ? globals.getFilter(use.name()) != null : globals.getExpTest(use.name()) != null;
            if (!known) {
                throw new TemplateException(
                        "no " + (use.filter() ? "filter" : "test") + " named '" + use.name() + "'", use.line(), null);
            }
        }
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            interpreter.parse(rewritten);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        throwIfFailed(interpreter.getErrorsCopy());
    }

    /**
     * Jinjava collects errors and carries on; jinja2 stops at the first. The first fatal one
     * becomes the exception (warnings are Jinjava's notes on undefined names, which jinja2
     * renders as empty without complaint).
     */
    private static void throwIfFailed(List<TemplateError> errors) {
        for (TemplateError error : errors) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                Throwable raised = raisedBy(error.getException());
                String problem = raised != null ? raised.getMessage() : error.getMessage();
                throw new TemplateException(problem, Math.max(0, error.getLineno()), error.getException());
            }
        }
    }

    private static Throwable raisedBy(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JinjaEnvironment.Raised) {
                return cause;
            }
        }
        return null;
    }
}
