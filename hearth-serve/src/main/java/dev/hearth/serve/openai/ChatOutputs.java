package dev.hearth.serve.openai;

import dev.hearth.serve.engine.InferenceEngine;

/**
 * EXTENSION POINT for {@code response_format} and {@code tools}: what a chat request's prompt
 * holds, what its output must follow, and how its text becomes content and tool calls.
 *
 * <p>{@link #standard()} is what the server runs: {@code response_format} enforced by
 * constrained decoding, tool calls read in the model's own format (its chat template's
 * convention), {@code tool_choice} {@code required} or a named function enforced by constraining
 * the output to a call. {@link #plainText()} turns all of that off (free text, all of it content),
 * for tests and for servers that want the raw text.
 */
public interface ChatOutputs {

    /**
     * How one request's choices are generated and read. Called once per request, on the
     * request's thread.
     *
     * @throws dev.hearth.serve.http.ApiException 400 naming the field when the request asks for what
     *     cannot be enforced (a schema outside the supported subset, say)
     */
    ChatOutputPlan plan(ChatCompletionRequest request, InferenceEngine engine);

    /**
     * {@code response_format} enforced, tool calls parsed in the model's format, {@code required}
     * and named-function {@code tool_choice} enforced.
     */
    static ChatOutputs standard() {
        return new StructuredOutputs();
    }

    /** Free text, all of it content: the conversation as the template renders it, nothing enforced. */
    static ChatOutputs plainText() {
        return (request, engine) -> new ChatOutputPlan(request.chatRequest(), "", () -> null,
                ChatOutputParser::contentOnly);
    }
}
