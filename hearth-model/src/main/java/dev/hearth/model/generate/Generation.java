package dev.hearth.model.generate;

/**
 * The outcome of {@link Generator#generate}.
 *
 * @param tokens the new tokens, without the prompt and without the stop token
 * @param text the new tokens decoded, exactly the concatenation of what was streamed
 * @param stopReason why generation ended
 */
public record Generation(int[] tokens, String text, StopReason stopReason) {
}
