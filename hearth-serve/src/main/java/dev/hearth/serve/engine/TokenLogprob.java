package dev.hearth.serve.engine;

import java.util.List;

/**
 * A chosen token's log-probability, with the most likely alternatives at that step, as OpenAI's
 * {@code logprobs} reports them. Log-probabilities are of the model's distribution (after the
 * constraint, before temperature and the other samplers).
 *
 * @param token the token's id
 * @param piece the token's own text (a partial UTF-8 character shows as U+FFFD)
 * @param bytes the token's own bytes
 * @param logprob natural log of its probability
 * @param top the most likely tokens, most likely first, as many as asked for
 */
public record TokenLogprob(int token, String piece, byte[] bytes, float logprob, List<TopLogprob> top) {

    /** One alternative. */
    public record TopLogprob(int token, String piece, byte[] bytes, float logprob) {
    }
}
