/**
 * The layers of a Llama-family transformer with their backward passes, each layer's backward
 * beside its forward, as llm.c writes them. Activations are {@code float[]} of {@code rows}
 * vectors, row after row, where a row is one token of one sequence ({@code row = b·T + t}).
 * Backward passes add into the gradients of parameters and, unless documented otherwise, into
 * the gradients of inputs, so that a residual stream's gradient accumulates without copies.
 * Every result is independent of the number of threads.
 */
package dev.hearth.train.nn;
