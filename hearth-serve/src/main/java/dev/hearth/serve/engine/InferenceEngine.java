package dev.hearth.serve.engine;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.tokenizer.Tokenizer;

import java.time.Duration;
import java.util.List;

/**
 * One model, serving many requests at once. What a server, a knowledge base or a command talks
 * to; none of them sees the model classes underneath.
 *
 * <p>{@link #submit} queues a completion and returns at once; its tokens arrive on the
 * {@link CompletionListener} from the engine's own thread as they are generated. An engine runs
 * every active request in one forward pass per step (continuous batching), so the weights are
 * read once for all of them. Implementations are thread-safe.
 */
public interface InferenceEngine extends AutoCloseable {

    /** What model this is and how it is served. */
    EngineInfo info();

    /** The model's tokenizer, to turn text into the prompt tokens of a {@link CompletionRequest}. */
    Tokenizer tokenizer();

    /**
     * The model's chat template (its own, or Hearth's default for its family), with the tokenizer:
     * turns a conversation into prompt tokens, keeping message text from posing as control tokens.
     */
    ChatPrompt chatPrompt();

    /**
     * Queues a completion. Tokens, then the result, go to {@code listener}, in order, from one
     * engine thread; a listener must not block for long, or it holds up every other request.
     *
     * @throws EngineOverloadedException when the queue is full, or the engine is shutting down
     * @throws ContextLengthExceededException when the prompt does not fit in the model's context with room
     *     for one new token
     * @throws IllegalArgumentException when the request holds a token outside the vocabulary
     * @throws LoraAdapterException when the request chooses a LoRA adapter the server does not have,
     *     or one that does not apply to this model
     */
    Completion submit(CompletionRequest request, CompletionListener listener);

    /**
     * One vector per input, pooled as the model's metadata says and L2-normalised. Runs between
     * steps of the generation loop; the caller waits.
     *
     * @throws UnsupportedOperationException when {@link EngineInfo#embeddingLength()} is 0
     * @throws ContextLengthExceededException when an input does not fit in the context
     */
    List<float[]> embed(List<int[]> inputs);

    /** Counters and gauges, for metrics. */
    EngineStats stats();

    /**
     * Stops taking requests ({@link #submit} then throws {@link EngineOverloadedException}), lets
     * queued and running ones finish for up to {@code deadline}, then cancels what is left, and
     * returns when none remains.
     */
    void shutdown(Duration deadline);

    /** Cancels every request at once and releases the model. */
    @Override
    void close();
}
