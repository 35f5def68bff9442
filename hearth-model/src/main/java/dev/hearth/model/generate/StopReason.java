package dev.hearth.model.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model chose its end-of-sequence or end-of-turn token (not part of the output). */
    END_OF_SEQUENCE,
    /** The requested number of new tokens was reached. */
    MAX_TOKENS,
    /** The KV cache has no room for another position. */
    CONTEXT_FULL
}
