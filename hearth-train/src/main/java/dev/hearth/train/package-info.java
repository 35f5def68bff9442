/**
 * Training on the CPU, above the model layer: byte-level BPE tokenizer training, pretraining of
 * small Llama-architecture models with explicit forward and backward passes, and LoRA fine-tuning
 * of downloaded models. Everything it writes (tokenizer.json, GGUF models and adapters) is read by
 * Hearth's own loaders and by llama.cpp.
 */
package dev.hearth.train;
