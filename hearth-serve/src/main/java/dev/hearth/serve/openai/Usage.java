package dev.hearth.serve.openai;

/**
 * Token counts of one request, as OpenAI reports them.
 *
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated, over every choice
 * @param promptTokensDetails of the prompt, how many were found in the prefix cache
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, PromptTokensDetails promptTokensDetails) {

    /** {@code cachedTokens}: prompt tokens whose KV entries were reused rather than computed. */
    public record PromptTokensDetails(int cachedTokens) {}

    public static Usage of(int promptTokens, int completionTokens, int cachedTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, new PromptTokensDetails(cachedTokens));
    }
}
