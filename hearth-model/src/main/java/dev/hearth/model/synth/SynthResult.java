package dev.hearth.model.synth;

import java.nio.file.Path;

/**
 * What {@link SyntheticModels#write} wrote.
 *
 * @param file the GGUF file
 * @param tensors how many tensors it holds
 * @param parameters elements in all tensors
 * @param fileSize bytes on disk
 */
public record SynthResult(Path file, int tensors, long parameters, long fileSize) {}
