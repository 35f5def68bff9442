package dev.hearth.serve.openai;

import dev.hearth.model.generate.StopReason;

/** OpenAI's {@code finish_reason} for how a choice ended. */
final class FinishReason {
    private FinishReason() {}

    /**
     * {@code stop} for an end-of-turn token or a stop string, {@code length} for the token limit
     * or a full context, {@code tool_calls} when the choice called tools.
     */
    static String of(StopReason reason, boolean calledTools) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_GENERATION, STOP_STRING, CANCELLED -> calledTools ? "tool_calls" : "stop";
        };
    }
}
