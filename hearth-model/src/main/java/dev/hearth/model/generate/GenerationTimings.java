package dev.hearth.model.generate;

/**
 * How long a generation took, in the two phases whose speeds differ: the prompt runs through the
 * weights in batches, the new tokens one at a time.
 *
 * @param promptTokens tokens run before the first choice (the prompt, less any part already in the cache)
 * @param promptSeconds time those took
 * @param generatedTokens tokens chosen and kept as output (an end-of-generation token is not counted)
 * @param generationSeconds time from the end of the prompt to the end of the generation
 */
public record GenerationTimings(int promptTokens, double promptSeconds, int generatedTokens, double generationSeconds) {

    public double promptTokensPerSecond() {
        return rate(promptTokens, promptSeconds);
    }

    public double generationTokensPerSecond() {
        return rate(generatedTokens, generationSeconds);
    }

    private static double rate(int tokens, double seconds) {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
