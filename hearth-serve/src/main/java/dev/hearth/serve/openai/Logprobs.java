package dev.hearth.serve.openai;

import dev.hearth.serve.engine.TokenLogprob;
import dev.hearth.serve.engine.TokenOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * A chat choice's {@code logprobs}: for each token, its log-probability and the likeliest
 * alternatives, with the token's bytes as numbers (a token may hold part of a UTF-8 character).
 */
public record Logprobs(List<Content> content) {

    /** One generated token. */
    public record Content(String token, float logprob, List<Integer> bytes, List<Top> topLogprobs) {}

    /** One alternative at that step. */
    public record Top(String token, float logprob, List<Integer> bytes) {}

    /** The log-probabilities of {@code tokens}, skipping any that carry none. */
    public static Logprobs of(List<TokenOutput> tokens) {
        List<Content> content = new ArrayList<>(tokens.size());
        for (TokenOutput t : tokens) {
            if (t.logprob() != null) {
                content.add(content(t.logprob()));
            }
        }
        return new Logprobs(content);
    }

    static Content content(TokenLogprob lp) {
        List<Top> top = lp.top().stream().map(t -> new Top(t.piece(), t.logprob(), unsigned(t.bytes()))).toList();
        return new Content(lp.piece(), lp.logprob(), unsigned(lp.bytes()), top);
    }

    static List<Integer> unsigned(byte[] bytes) {
        List<Integer> values = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            values.add(b & 0xff);
        }
        return values;
    }
}
