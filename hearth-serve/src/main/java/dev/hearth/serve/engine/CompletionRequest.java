package dev.hearth.serve.engine;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.sampling.TokenConstraint;

import java.util.Objects;

/**
 * One completion to run.
 *
 * @param prompt the tokens to continue, BOS included where the model wants one; at least one
 * @param params sampling, token limit and stop strings
 * @param constraint what the output must follow (JSON, say); null for free text
 * @param topLogprobs how many of the most likely alternatives to report with each token; -1 for no
 *     log-probabilities at all, 0 for only the chosen token's
 * @param lora the LoRA adapters to apply, of those the server offers
 */
public record CompletionRequest(int[] prompt, GenerationParams params, TokenConstraint constraint, int topLogprobs,
                                LoraChoice lora) {
    /** The most alternatives a request may ask for, as OpenAI allows. */
    public static final int MAX_TOP_LOGPROBS = 20;

    public CompletionRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(lora, "lora");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got "
                    + topLogprobs);
        }
    }

    /** A completion with the server's LoRA adapters at their default scales. */
    public CompletionRequest(int[] prompt, GenerationParams params, TokenConstraint constraint, int topLogprobs) {
        this(prompt, params, constraint, topLogprobs, LoraChoice.DEFAULTS);
    }

    /** Free text, no log-probabilities. */
    public static CompletionRequest of(int[] prompt, GenerationParams params) {
        return new CompletionRequest(prompt, params, null, -1);
    }
}
