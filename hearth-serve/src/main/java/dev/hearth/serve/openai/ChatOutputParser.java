package dev.hearth.serve.openai;

import java.util.List;

/**
 * Turns one choice's generated text into the message's parts as they come: content, tool-call
 * fragments, reasoning. A parser for tool calls holds text back while it may be the start of a
 * call (Qwen's {@code <tool_call>}, say) and lets it go as content once it cannot be.
 *
 * <p>The same deltas serve both answers: streamed, each becomes a chunk; whole, they are merged
 * into one message. One parser per choice; not thread-safe.
 */
public interface ChatOutputParser {

    /** The next text the engine released (may be empty); returns what to add to the message now. */
    List<ChatCompletionChunk.Delta> accept(String text);

    /** The choice has ended: returns whatever was held back. */
    List<ChatCompletionChunk.Delta> finish();
}
