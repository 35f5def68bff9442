package dev.hearth.serve.http;

/**
 * What one request may ask of the server. Anything over a limit is refused (413 for the body, 400
 * naming the field for the rest), never cut down silently.
 *
 * @param maxBodyBytes the largest request body
 * @param maxMessages the most messages in a chat request
 * @param maxTokens the most tokens one request may ask to generate ({@code max_tokens}); a request
 *     that names no limit gets this one (or the rest of the context, if less)
 * @param maxChoices the most completions one request may ask for ({@code n})
 * @param maxInputs the most inputs one embeddings request may hold
 */
public record Limits(long maxBodyBytes, int maxMessages, int maxTokens, int maxChoices, int maxInputs) {

    public Limits {
        if (maxBodyBytes < 1 || maxMessages < 1 || maxTokens < 1 || maxChoices < 1 || maxInputs < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + maxBodyBytes + ", " + maxMessages
                    + ", " + maxTokens + ", " + maxChoices + ", " + maxInputs);
        }
    }

    /** 8 MiB bodies, 1,000 messages, 8,192 tokens, 8 choices, 2,048 inputs (OpenAI's input limit). */
    public static Limits defaults() {
        return new Limits(8L << 20, 1000, 8192, 8, 2048);
    }

    public Limits withMaxBodyBytes(long bytes) {
        return new Limits(bytes, maxMessages, maxTokens, maxChoices, maxInputs);
    }

    public Limits withMaxMessages(int messages) {
        return new Limits(maxBodyBytes, messages, maxTokens, maxChoices, maxInputs);
    }

    public Limits withMaxTokens(int tokens) {
        return new Limits(maxBodyBytes, maxMessages, tokens, maxChoices, maxInputs);
    }

    public Limits withMaxChoices(int choices) {
        return new Limits(maxBodyBytes, maxMessages, maxTokens, choices, maxInputs);
    }

    public Limits withMaxInputs(int inputs) {
        return new Limits(maxBodyBytes, maxMessages, maxTokens, maxChoices, inputs);
    }
}
