package dev.hearth.model.generate;

/**
 * The outcome of {@link Generator#generate}.
 *
 * <p>Afterwards the cache holds the prompt and every token of {@link #tokens} but the last (the
 * last choice is not run; an end-of-generation token is neither run nor listed), or, if the
 * generation was cancelled during the prompt, the part of the prompt that ran.
 *
 * @param tokens the new tokens, without the prompt and without the end-of-generation token; when a
 *     stop string ended the text, they include the tokens that spelled it
 * @param text what was streamed, exactly: the new tokens decoded, cut before any stop string
 * @param stopReason why generation ended
 * @param timings token counts and seconds of the prompt and the generation
 */
public record Generation(int[] tokens, String text, StopReason stopReason, GenerationTimings timings) {
}
