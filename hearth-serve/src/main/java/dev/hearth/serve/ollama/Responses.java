package dev.hearth.serve.ollama;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;
import java.util.Map;

/**
 * The bodies Ollama's API answers with, field for field as Ollama writes them (the shared mapper
 * turns {@code createdAt} into {@code created_at} and leaves null fields out, as Ollama's
 * {@code omitempty} does). Timestamps are RFC 3339 strings in UTC, durations are nanoseconds.
 */
final class Responses {
    private Responses() {}

    /**
     * A chat turn as the API carries it: Hearth only ever writes the assistant's.
     *
     * @param toolCalls the calls the turn makes; null (absent) when it makes none
     */
    record Message(String role, String content, List<ToolCall> toolCalls) {
        static Message assistant(String content) {
            return new Message("assistant", content, null);
        }

        static Message assistant(String content, List<ToolCall> calls) {
            return new Message("assistant", content, calls.isEmpty() ? null : calls);
        }
    }

    /** One call, as Ollama writes it: {@code {"function": {"name", "arguments": {…}}}}. */
    record ToolCall(Function function) {
        record Function(String name, Object arguments) {}
    }

    /**
     * The timings of a finished completion, on its last object.
     *
     * @param totalDuration from the request's arrival to the answer
     * @param loadDuration spent loading the model for this request (0 when it was loaded already)
     * @param promptEvalCount tokens in the prompt, those reused from the prefix cache included
     * @param promptEvalDuration from the start of the prompt's processing to the first new token
     * @param evalCount tokens generated
     * @param evalDuration from the first new token to the last
     */
    record Metrics(long totalDuration, long loadDuration, int promptEvalCount, long promptEvalDuration,
                   int evalCount, long evalDuration) {}

    /**
     * One object of {@code /api/chat}: a piece of the answer, or ({@code done}) the end with its
     * metrics and, for a knowledge base's answer, its {@code citations} (Hearth's extension).
     */
    record ChatChunk(String model, String createdAt, Message message, boolean done, String doneReason,
                     @JsonUnwrapped Metrics metrics, List<?> citations) {

        ChatChunk(String model, String createdAt, Message message, boolean done, String doneReason, Metrics metrics) {
            this(model, createdAt, message, done, doneReason, metrics, null);
        }
    }

    /**
     * One object of {@code /api/generate}.
     *
     * @param context on the last object: the prompt's and the answer's tokens, to send back as the
     *     next request's {@code context}; null in raw mode
     */
    record GenerateChunk(String model, String createdAt, String response, boolean done, String doneReason,
                         int[] context, @JsonUnwrapped Metrics metrics) {}

    /** {@code details} of a model in {@code /api/tags}, {@code /api/ps} and {@code /api/show}. */
    record ModelDetails(String parentModel, String format, String family, List<String> families,
                        String parameterSize, String quantizationLevel) {}

    /** One model of {@code /api/tags}. */
    record ListedModel(String name, String model, String modifiedAt, long size, String digest, ModelDetails details) {}

    /**
     * One loaded model of {@code /api/ps}.
     *
     * @param size bytes it takes: the mapped file and its KV cache
     * @param sizeVram always 0: Hearth runs on the CPU
     */
    record RunningModel(String name, String model, long size, String digest, ModelDetails details, String expiresAt,
                        long sizeVram, int contextLength) {}

    /** {@code /api/tags} and {@code /api/ps}. */
    record ModelList<T>(List<T> models) {}

    /** {@code /api/show}. */
    record Show(String license, String modelfile, String template, ModelDetails details, Map<String, Object> modelInfo,
                List<String> capabilities, String modifiedAt) {}

    /** {@code /api/embed}. */
    record Embeddings(String model, List<float[]> embeddings, long totalDuration, long loadDuration, int promptEvalCount) {}

    /** {@code /api/embeddings}, the older single-vector form. */
    record Embedding(float[] embedding) {}

    /** {@code /api/version}. */
    record Version(String version) {}

    /** Ollama's error body, also written as the last line of a stream that fails part-way. */
    record ErrorBody(String error) {}
}
