package dev.hearth.serve.engine;

/**
 * One generated token, as a stream reports it.
 *
 * @param token the token's id; {@link #END} for the text still held back when the generation ends
 *     (the tail of a possible stop string that turned out not to be one), which comes last
 * @param text the text released with this token: usually the token's own text, but empty while a
 *     split character or a possible stop string is held back, and longer when held text is let go
 * @param logprob the token's log-probability and alternatives; null when the request asked for none
 */
public record TokenOutput(int token, String text, TokenLogprob logprob) {
    /** The {@link #token()} of the output that releases held-back text at the end. */
    public static final int END = -1;
}
