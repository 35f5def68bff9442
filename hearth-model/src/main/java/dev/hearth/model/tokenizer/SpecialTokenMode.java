package dev.hearth.model.tokenizer;

/** Which special vocabulary entries {@link Tokenizer#encode(String, SpecialTokenMode)} matches whole by their text. */
public enum SpecialTokenMode {
    /**
     * None: every character is tokenized as text. For untrusted content (a user's message, a
     * retrieved document), so that typing {@code <|im_start|>} or {@code <tool_response>} cannot
     * produce the token.
     */
    NONE,
    /**
     * User-defined entries but not control tokens: what llama.cpp does with {@code parse_special}
     * off and Hugging Face's {@code encode(add_special_tokens=False)} — vocabularies add such
     * entries for text like runs of spaces (MPT) or markup ({@code <think>} in Qwen3). The
     * conformance suites are run this way.
     */
    USER_DEFINED,
    /** Control tokens too: chat text rendered by a template, whose markers must become single tokens. */
    ALL;

    boolean matchesControl() {
        return this == ALL;
    }

    boolean matchesUserDefined() {
        return this != NONE;
    }
}
