/**
 * Byte-level BPE tokenizer training: a {@link dev.hearth.train.tokenizer.Corpus} of files is cut
 * into words and counted, {@link dev.hearth.train.tokenizer.BpeTrainer} learns merges from the
 * counts, and the {@link dev.hearth.train.tokenizer.TrainedTokenizer} it returns is saved as a
 * Hugging Face {@code tokenizer.json} or put into a GGUF file. See docs/training.md.
 */
package dev.hearth.train.tokenizer;
