package dev.hearth.serve.openai;

/**
 * A chat request's {@code tool_choice}: {@code none}, {@code auto}, {@code required}, or one named
 * function ({@code {"type": "function", "function": {"name": …}}}).
 *
 * <p>EXTENSION POINT: enforcing {@code required} and a named function (constrained decoding into
 * the model's tool-call format) belongs to a {@link ChatOutputs} implementation.
 *
 * @param function for {@link Mode#FUNCTION}, the function's name; otherwise null
 */
public record ToolChoice(Mode mode, String function) {

    public enum Mode { NONE, AUTO, REQUIRED, FUNCTION }

    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
}
