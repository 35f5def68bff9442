package dev.hearth.serve.engine;

import dev.hearth.model.generate.StopReason;

/**
 * How a completion ended.
 *
 * @param tokens the generated tokens (an end-of-generation token is not among them)
 * @param text their text, with any stop string and what followed it removed
 * @param reason why it stopped
 * @param promptTokens tokens in the prompt
 * @param cachedPromptTokens of those, how many were found in the prefix cache and not recomputed
 * @param queueSeconds time from {@link InferenceEngine#submit} to the first step that ran it
 * @param timeToFirstTokenSeconds time from submit to the first generated token
 * @param generationSeconds time from the first generated token to the end
 */
public record CompletionResult(
        int[] tokens,
        String text,
        StopReason reason,
        int promptTokens,
        int cachedPromptTokens,
        double queueSeconds,
        double timeToFirstTokenSeconds,
        double generationSeconds) {
}
