package dev.hearth.model.generate;

/** A conversation's newest message does not fit in the context even with every older turn dropped. */
public final class PromptTooLongException extends RuntimeException {
    private final int tokens;
    private final int contextLength;

    PromptTooLongException(int tokens, int contextLength) {
        super("the message takes " + tokens + " tokens with the system prompt and the template's markup; the context holds "
                + contextLength);
        this.tokens = tokens;
        this.contextLength = contextLength;
    }

    /** Tokens of the shortest prompt that holds the message. */
    public int tokens() {
        return tokens;
    }

    /** Positions of the cache. */
    public int contextLength() {
        return contextLength;
    }
}
