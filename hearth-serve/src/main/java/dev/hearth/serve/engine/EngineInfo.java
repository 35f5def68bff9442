package dev.hearth.serve.engine;

import java.nio.file.Path;

/**
 * What an engine serves.
 *
 * @param name the model's name as clients address it
 * @param path the GGUF file
 * @param architecture {@code general.architecture}
 * @param fileType the weights' main type, as llama.cpp names it (e.g. {@code Q8_0}, {@code Q4_K_M})
 * @param parameters number of weights
 * @param fileBytes size of the file
 * @param contextLength the longest sequence one request may have (prompt and output)
 * @param vocabularySize tokens in the vocabulary
 * @param embeddingLength width of {@link InferenceEngine#embed} vectors; 0 when the model cannot embed
 *     (a decoder's are its final hidden states, mean-pooled unless {@code {arch}.pooling_type} says otherwise,
 *     as llama.cpp's server gives them)
 * @param kvBytes off-heap bytes the engine's KV cache takes
 * @param maxSequences most requests generating at once; more wait in the queue
 */
public record EngineInfo(
        String name,
        Path path,
        String architecture,
        String fileType,
        long parameters,
        long fileBytes,
        int contextLength,
        int vocabularySize,
        int embeddingLength,
        long kvBytes,
        int maxSequences) {
}
