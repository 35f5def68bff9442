package dev.hearth.serve.engine;

/** A prompt (or an input to embed) does not fit in the context: OpenAI calls this {@code context_length_exceeded}. */
public final class ContextLengthExceededException extends IllegalArgumentException {
    private final int tokens;
    private final int contextLength;

    public ContextLengthExceededException(int tokens, int contextLength) {
        super("the prompt has " + tokens + " tokens; the context holds " + contextLength
                + " (prompt and output together)");
        this.tokens = tokens;
        this.contextLength = contextLength;
    }

    public int tokens() {
        return tokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
