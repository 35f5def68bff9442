package dev.hearth.serve.engine;

import dev.hearth.model.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probabilities of a step's tokens, as OpenAI's {@code logprobs} reports them: the chosen
 * token's and the most likely alternatives', from the logits after the constraint's mask.
 */
final class Logprobs {
    private final Tokenizer tokenizer;
    private final int[] top = new int[CompletionRequest.MAX_TOP_LOGPROBS];

    Logprobs(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    TokenLogprob of(float[] logits, int token, int alternatives) {
        // log p(t) = logit(t) − log Σ exp(logit), with the largest logit subtracted for range
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        float logZ = (float) (max + Math.log(sum));
        int n = mostLikely(logits, alternatives);
        List<TokenLogprob.TopLogprob> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = bytes(top[i]);
            list.add(new TokenLogprob.TopLogprob(top[i], text(bytes), bytes, logits[top[i]] - logZ));
        }
        byte[] bytes = bytes(token);
        return new TokenLogprob(token, text(bytes), bytes, logits[token] - logZ, List.copyOf(list));
    }

    /** Fills {@code top[0 .. n)} with the {@code n} most likely tokens, most likely first. */
    private int mostLikely(float[] logits, int n) {
        if (n == 0) { // logprobs without alternatives (OpenAI's logprobs: true alone)
            return 0;
        }
        int found = 0;
        for (int t = 0; t < logits.length; t++) {
            float logit = logits[t];
            if (logit == Float.NEGATIVE_INFINITY || found == n && logit <= logits[top[n - 1]]) {
                continue;
            }
            int at = found < n ? found++ : n - 1; // insertion into the short sorted list
            while (at > 0 && logits[top[at - 1]] < logit) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = t;
        }
        return found;
    }

    private byte[] bytes(int token) {
        return tokenizer.tokenBytes(token, false, true);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
