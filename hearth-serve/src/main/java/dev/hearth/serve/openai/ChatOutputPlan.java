package dev.hearth.serve.openai;

import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.template.ChatRequest;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@link ChatOutputs} decided for one request.
 *
 * @param chatRequest what the chat template renders (the request's conversation and tools, perhaps
 *     with the tools described in a system message for a template that does not show them)
 * @param prefill text the assistant's turn starts with, put after the template's generation
 *     prompt and not part of the output (Qwen's {@code <tool_call>\n} when a call is forced);
 *     empty for none
 * @param constraints a fresh constraint for each choice (a constraint has state); supplies null
 *     for free text
 * @param parsers a fresh parser for each choice
 */
public record ChatOutputPlan(ChatRequest chatRequest, String prefill, Supplier<TokenConstraint> constraints,
                             Supplier<ChatOutputParser> parsers) {

    public ChatOutputPlan {
        Objects.requireNonNull(chatRequest, "chatRequest");
        Objects.requireNonNull(prefill, "prefill");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(parsers, "parsers");
    }

    /** A new constraint for one choice; null for free text. */
    public TokenConstraint constraint() {
        return constraints.get();
    }

    /** A new parser for one choice. */
    public ChatOutputParser parser() {
        return parsers.get();
    }
}
