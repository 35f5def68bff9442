package dev.hearth.model.tokenizer;

/** What a vocabulary entry is, numbered as GGUF's {@code tokenizer.ggml.token_type} array. */
public enum TokenType {
    UNDEFINED(0),
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    /** {@link #values()}, once: it copies the array on every call, and a vocabulary asks 150k times. */
    private static final TokenType[] ALL = values();

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    /** The number GGUF stores for this type. */
    public int id() {
        return id;
    }

    /**
     * The type GGUF number {@code id} stands for.
     *
     * @throws IllegalArgumentException for a number GGUF does not define
     */
    public static TokenType fromId(int id) {
        for (TokenType type : ALL) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown token type " + id + " (expected 0..6)");
    }

    /** Control and user-defined tokens are matched whole in text when special parsing is on. */
    public boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED;
    }
}
