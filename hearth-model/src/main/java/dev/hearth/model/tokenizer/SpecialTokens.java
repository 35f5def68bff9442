package dev.hearth.model.tokenizer;

import java.util.OptionalInt;

/**
 * Tokens with a role, as GGUF's {@code tokenizer.ggml.*_token_id} keys name them, and whether the
 * model expects BOS/EOS around a sequence ({@code tokenizer.ggml.add_bos_token} and friends).
 *
 * @param eot end of turn (e.g. {@code <|eot_id|>}, {@code <|im_end|>}); generation stops at it
 */
public record SpecialTokens(
        OptionalInt bos,
        OptionalInt eos,
        OptionalInt eot,
        OptionalInt unknown,
        OptionalInt padding,
        OptionalInt separator,
        OptionalInt cls,
        OptionalInt mask,
        boolean addBos,
        boolean addEos) {

    public static SpecialTokens none() {
        OptionalInt e = OptionalInt.empty();
        return new SpecialTokens(e, e, e, e, e, e, e, e, false, false);
    }
}
