package dev.hearth.serve.openai;

import java.util.List;
import java.util.Map;

/**
 * A text completion ({@code "object": "text_completion"}), whole or, streamed, one piece of one
 * choice per event.
 */
public record TextCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    public TextCompletion(String id, long created, String model, List<Choice> choices, Usage usage) {
        this(id, "text_completion", created, model, choices, usage);
    }

    /** @param finishReason {@code stop} or {@code length}; null in a streamed piece before the last */
    public record Choice(String text, int index, TextLogprobs logprobs, String finishReason) {}

    /**
     * The legacy completions API's log-probabilities: parallel lists, one entry per token.
     *
     * @param topLogprobs for each token, its likeliest alternatives, piece → log-probability
     * @param textOffset where each token's text starts in the choice's text, in characters
     */
    public record TextLogprobs(List<String> tokens, List<Float> tokenLogprobs, List<Map<String, Float>> topLogprobs,
                               List<Integer> textOffset) {}
}
