package dev.hearth.model.constrain;

/**
 * A suspended value on a matcher stack: a container (or the root) waiting for the nested value
 * above it to end, in the state it resumes from. Immutable, so threads that fork from the same
 * point share their frames, and the trie walk in {@link TokenMasker} keeps a state per trie depth
 * without copying stacks.
 *
 * @param parent the frame below, or null for the root
 * @param rule the suspended rule
 * @param state its state, which {@link Rule#resume} turns into the state after the nested value
 */
record Frame(Frame parent, Rule rule, long state) {}
