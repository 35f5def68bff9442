package dev.hearth.model.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model chose an end-of-generation token (EOS, end of turn, …); it is not part of the output. */
    END_OF_GENERATION,
    /** The requested number of new tokens was reached. */
    MAX_TOKENS,
    /** A stop string appeared; neither it nor anything after it was emitted. */
    STOP_STRING,
    /** The caller cancelled it (e.g. Ctrl-C); what was emitted before stays. */
    CANCELLED,
    /** The KV cache has no room for another position. */
    CONTEXT_FULL
}
