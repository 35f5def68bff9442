package dev.hearth.model.generate;

import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.StreamingDecoder;
import dev.hearth.model.tokenizer.Tokenizer;

/** The streaming decoder a generation's output goes through, primed with the end of its prompt. */
public final class PromptDecoder {
    // enough prompt tokens to finish a UTF-8 character split across the prompt's end
    private static final int PRIMING_TOKENS = 8;

    private PromptDecoder() {
    }

    /**
     * A decoder that has seen the end of the prompt, so a character split across the prompt's end
     * completes and a SentencePiece word after text keeps its leading space. A leading BOS is
     * skipped, as llama.cpp's detokenizer removes it, so the first word after it loses the
     * dummy-prefix space (as llama2.c prints).
     */
    public static StreamingDecoder primed(Tokenizer tokenizer, int[] prompt) {
        StreamingDecoder decoder = tokenizer.streamingDecoder(false);
        SpecialTokens special = tokenizer.specialTokens();
        boolean leadingBos = prompt.length > 0 && special.bos().isPresent() && prompt[0] == special.bos().getAsInt();
        for (int i = Math.max(leadingBos ? 1 : 0, prompt.length - PRIMING_TOKENS); i < prompt.length; i++) {
            decoder.accept(prompt[i]);
        }
        return decoder;
    }
}
