package dev.hearth.model.convert;

import java.nio.file.Path;

/**
 * What a conversion wrote.
 *
 * @param file the GGUF file
 * @param tensors number of tensors in it
 * @param parameters number of weights (elements of all tensors)
 * @param fileSize size of the file in bytes
 */
public record ConvertedModel(Path file, int tensors, long parameters, long fileSize) {}
