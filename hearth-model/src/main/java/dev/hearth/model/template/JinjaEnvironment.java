package dev.hearth.model.template;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import jinjava.javax.el.CompositeELResolver;

/**
 * A Jinjava engine set up as Hugging Face's jinja2 environment: {@code ImmutableSandboxedEnvironment(
 * trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])} with its {@code tojson}
 * filter, {@code raise_exception} and {@code strftime_now} globals and {@code generation} tag.
 *
 * <p>Thread-safe once built: each render gets its own interpreter and a copy of the global
 * context, which nothing changes after construction.
 */
final class JinjaEnvironment {
    private JinjaEnvironment() {}

    static Jinjava create(Clock clock) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // trim_blocks and lstrip_blocks are done by SourceRewriter, where Jinjava's differ
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                // a message saying "{{ x }}" must reach the model as typed, not be rendered again
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver)
                .withTimeZone(clock.getZone())
                .withDateTimeProvider(clock::millis)
                .withExecutionMode(new ExecutionMode() {
                    @Override
                    public void prepareContext(Context context) {
                        context.setExpressionStrategy(JinjaEnvironment::printAsPython);
                    }
                })
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withIterateOverMapKeys(true) // {% for key in dict %} yields keys, as in Python
                        .withUsePyishObjectMapper(true) // {{ list }} prints as Python would
                        .withParseWhitespaceControlStrictly(true) // "-" marks only next to the delimiter
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} and {#- -#} trim too
                        .withKeepNullableLoopValues(true) // a none item is none, not an outer variable
                        // natural operator precedence stays off: it would bind "is" and "|" after
                        // "not", so "not x is defined" would test (not x)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        var globals = jinjava.getGlobalContext();
        globals.registerFunction(new ELFunctionDefinition(
                "", "raise_exception", JinjaEnvironment.class, "raiseException", Object.class));
        globals.registerFunction(new ELFunctionDefinition(
                "", "strftime_now", JinjaEnvironment.class, "strftimeNow", String.class));
        globals.registerFilter(new ToJson());
        globals.registerExpTest(new IsIterable());
        globals.registerTag(new Generation());
        return jinjava;
    }

    /**
     * Variables every render defines, because templates test for these globals before calling
     * them ({@code {% if strftime_now is defined %}}) and Jinjava's functions are not variables.
     */
    static final Map<String, Object> DEFINED_FUNCTIONS = Map.of(
            "raise_exception", "<function raise_exception>",
            "strftime_now", "<function strftime_now>");

    /**
     * Prints {@code {{ value }}} as Python's {@code str} would where Jinjava differs: booleans
     * as {@code True} and {@code False}. (Null stays empty: Jinjava cannot tell Python's
     * {@code None}, printed "None", from an undefined name, printed "", and undefined is the
     * common case in templates.)
     */
    private static RenderedOutputNode printAsPython(ExpressionToken expression, JinjavaInterpreter interpreter) {
        Object value = interpreter.resolveELExpression(expression.getExpr(), expression.getLineNumber());
        if (value instanceof Boolean b) {
            return new RenderedOutputNode(b ? "True" : "False");
        }
        return new RenderedOutputNode(interpreter.getAsString(value));
    }

    /** Thrown by the template's {@code raise_exception(message)}; carries the message verbatim. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message, null, false, false);
        }
    }

    private static String raiseException(Object message) {
        throw new Raised(String.valueOf(message));
    }

    private static String strftimeNow(String pattern) {
        JinjavaConfig config = JinjavaInterpreter.getCurrent().getConfig();
        Instant now = Instant.ofEpochMilli(config.getDateTimeProvider().getCurrentTimeMillis());
        return PythonStrftime.format(pattern, ZonedDateTime.ofInstant(now, config.getTimeZone()));
    }

    /** Hugging Face's {@code tojson}: {@code json.dumps(x, ensure_ascii=False, indent=…)}. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            Object separators = kwargs.get("separators");
            return new PythonJson(
                            indent instanceof Number n ? n.intValue() : null,
                            separators instanceof java.util.List<?> pair ? pair.stream().map(String::valueOf).toList() : null,
                            Boolean.TRUE.equals(kwargs.get("ensure_ascii")),
                            Boolean.TRUE.equals(kwargs.get("sort_keys")))
                    .dumps(var);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /**
     * Hugging Face's {@code {% generation %}} block, which marks the assistant's tokens for
     * training masks; rendering just prints its body.
     */
    private static final class Generation implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder body = new StringBuilder();
            try (var _ = interpreter.enterScope()) {
                for (Node child : tagNode.getChildren()) {
                    body.append(child.render(interpreter).getValue());
                }
            }
            return body.toString();
        }
    }

    /** jinja2's {@code iterable} test: strings and mappings are iterable too. */
    private static final class IsIterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof Iterable<?> || var instanceof CharSequence || var instanceof Map<?, ?>
                    || (var != null && var.getClass().isArray());
        }
    }
}
