package dev.hearth.serve.openai;

import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.serve.engine.InferenceEngine;

import java.util.List;

/**
 * EXTENSION POINT for {@code response_format} and {@code tools}: what a chat request's output
 * must follow, and how its text becomes content and tool calls.
 *
 * <p>{@link #plainText()} is what the server does today: no constraint, and all text is content;
 * {@code response_format} and {@code tools}/{@code tool_choice} are validated in shape
 * ({@link ResponseFormat}, {@link Tool}, {@link ToolChoice}) and the tools are rendered into the
 * prompt by the chat template, but the output is not yet held to them. An implementation that
 * returns a JSON-schema {@link TokenConstraint} and a parser for the model's tool-call format
 * (its chat template's convention) plugs in through {@link OpenAiApi#create(ChatOutputs)}; a
 * choice whose parser produced tool calls finishes with {@code tool_calls}.
 */
public interface ChatOutputs {

    /**
     * What one choice's tokens must follow; null for free text. Called once per choice: a
     * constraint has state.
     */
    TokenConstraint constraint(ChatCompletionRequest request, InferenceEngine engine);

    /** A parser for one choice's text. */
    ChatOutputParser parser(ChatCompletionRequest request, InferenceEngine engine);

    /** Free text, all of it content. */
    static ChatOutputs plainText() {
        return new ChatOutputs() {
            @Override
            public TokenConstraint constraint(ChatCompletionRequest request, InferenceEngine engine) {
                return null;
            }

            @Override
            public ChatOutputParser parser(ChatCompletionRequest request, InferenceEngine engine) {
                return new ChatOutputParser() {
                    @Override
                    public List<ChatCompletionChunk.Delta> accept(String text) {
                        return text.isEmpty() ? List.of() : List.of(ChatCompletionChunk.Delta.content(text));
                    }

                    @Override
                    public List<ChatCompletionChunk.Delta> finish() {
                        return List.of();
                    }
                };
            }
        };
    }
}
