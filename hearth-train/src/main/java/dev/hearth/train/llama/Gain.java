package dev.hearth.train.llama;

/**
 * An RMSNorm's gain vector: {@code values[offset ..]}, trained when {@code gradients} (at the same
 * offset) is not null.
 */
public record Gain(float[] values, long offset, float[] gradients) {}
