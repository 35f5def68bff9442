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
 * @param maxUploadBytes the largest file upload (a multipart request, all its files together);
 *     JSON bodies stay within {@code maxBodyBytes}
 */
public record Limits(long maxBodyBytes, int maxMessages, int maxTokens, int maxChoices, int maxInputs, long maxUploadBytes) {

    public Limits {
        if (maxBodyBytes < 1 || maxMessages < 1 || maxTokens < 1 || maxChoices < 1 || maxInputs < 1 || maxUploadBytes < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + maxBodyBytes + ", " + maxMessages
                    + ", " + maxTokens + ", " + maxChoices + ", " + maxInputs + ", " + maxUploadBytes);
        }
    }

    public Limits(long maxBodyBytes, int maxMessages, int maxTokens, int maxChoices, int maxInputs) {
        this(maxBodyBytes, maxMessages, maxTokens, maxChoices, maxInputs, defaults().maxUploadBytes());
    }

    /**
     * 8 MiB bodies, 1,000 messages, 8,192 tokens, 8 choices, 2,048 inputs (OpenAI's input limit),
     * 256 MiB uploads.
     */
    public static Limits defaults() {
        return new Limits(8L << 20, 1000, 8192, 8, 2048, 256L << 20);
    }

    public Limits withMaxBodyBytes(long bytes) {
        return new Limits(bytes, maxMessages, maxTokens, maxChoices, maxInputs, maxUploadBytes);
    }

    public Limits withMaxMessages(int messages) {
        return new Limits(maxBodyBytes, messages, maxTokens, maxChoices, maxInputs, maxUploadBytes);
    }

    public Limits withMaxTokens(int tokens) {
        return new Limits(maxBodyBytes, maxMessages, tokens, maxChoices, maxInputs, maxUploadBytes);
    }

    public Limits withMaxChoices(int choices) {
        return new Limits(maxBodyBytes, maxMessages, maxTokens, choices, maxInputs, maxUploadBytes);
    }

    public Limits withMaxInputs(int inputs) {
        return new Limits(maxBodyBytes, maxMessages, maxTokens, maxChoices, inputs, maxUploadBytes);
    }

    public Limits withMaxUploadBytes(long bytes) {
        return new Limits(maxBodyBytes, maxMessages, maxTokens, maxChoices, maxInputs, bytes);
    }
}
