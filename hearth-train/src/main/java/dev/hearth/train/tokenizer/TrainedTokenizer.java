package dev.hearth.train.tokenizer;

import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.ByteLevelAlphabet;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.PreTokenizer;
import dev.hearth.model.tokenizer.TokenType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A byte-level BPE tokenizer as training leaves it, with the Qwen2 pre-tokenizer: the vocabulary,
 * the merges, and the special tokens; saved as a Hugging Face {@code tokenizer.json} or put into
 * a GGUF file, both of which Hearth and llama.cpp read back as the same tokenizer.
 *
 * <p>Ids follow one layout: the 256 byte tokens first (id {@code b} is byte {@code b}, written in
 * {@linkplain ByteLevelAlphabet GPT-2's byte alphabet}), then the tokens the merges made in the
 * order they were learned, then the special tokens. Every byte has a token, so any text encodes
 * and decodes back to itself byte for byte.
 *
 * <p>The special tokens that play a role: {@code <|endoftext|>} (or, without it, {@code <|im_end|>})
 * ends a document and is the BOS, EOS and padding token, as in Qwen2's files; {@code <|im_end|>}
 * (or, without it, {@code <|endoftext|>}) ends a chat turn. BOS is never added to a text.
 *
 * @param tokens token texts in id order; special tokens as their literal text
 * @param merges the merges in rank order (the first is applied first)
 * @param specialTokens the special tokens, the last ids of {@code tokens}, in the same order
 */
public record TrainedTokenizer(List<String> tokens, List<Merge> merges, List<String> specialTokens) {
    /** The pre-tokenizer every trained tokenizer cuts text with, by its {@code tokenizer.ggml.pre} name. */
    public static final String PRE_TOKENIZER_NAME = "qwen2";
    /** How many tokens stand for single bytes, at ids 0..255. */
    public static final int BYTE_TOKENS = 256;

    static final PreTokenizer PRE_TOKENIZER = PreTokenizer.named(PRE_TOKENIZER_NAME);
    private static final String END_OF_TEXT = "<|endoftext|>";
    private static final String END_OF_TURN = "<|im_end|>";

    /**
     * Two adjacent tokens that become one, texts as in the vocabulary.
     *
     * @param left the first token's text
     * @param right the second token's text
     */
    public record Merge(String left, String right) {
        /** The text of the token they become. */
        public String merged() {
            return left + right;
        }

        /** As GGUF's {@code tokenizer.ggml.merges} and older {@code tokenizer.json} files write it. */
        public String spaced() {
            return left + " " + right;
        }
    }

    /**
     * @throws IllegalArgumentException unless the lists follow the layout above: the byte tokens in
     *     order, every other token but the special ones made by a merge, every merge joining tokens
     *     that exist before it, no text twice
     */
    public TrainedTokenizer {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
        checkLayout(tokens, merges, specialTokens);
    }

    private static void checkLayout(List<String> tokens, List<Merge> merges, List<String> specialTokens) {
        int learnedEnd = tokens.size() - specialTokens.size();
        if (learnedEnd < BYTE_TOKENS) {
            throw new IllegalArgumentException(tokens.size() + " tokens cannot hold the " + BYTE_TOKENS
                    + " byte tokens and " + specialTokens.size() + " special tokens");
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            Integer earlier = ids.putIfAbsent(tokens.get(id), id);
            if (earlier != null) {
                throw new IllegalArgumentException("token " + id + " '" + tokens.get(id) + "' repeats token " + earlier);
            }
        }
        for (int b = 0; b < BYTE_TOKENS; b++) {
            String expected = String.valueOf(ByteLevelAlphabet.charOf(b));
            if (!tokens.get(b).equals(expected)) {
                throw new IllegalArgumentException("token " + b + " is '" + tokens.get(b) + "', expected '" + expected
                        + "', the byte " + b + " in GPT-2's byte alphabet");
            }
        }
        if (!tokens.subList(learnedEnd, tokens.size()).equals(specialTokens)) {
            throw new IllegalArgumentException("the last " + specialTokens.size() + " tokens are "
                    + tokens.subList(learnedEnd, tokens.size()) + ", expected the special tokens " + specialTokens);
        }
        if (merges.size() != learnedEnd - BYTE_TOKENS) {
            throw new IllegalArgumentException(merges.size() + " merges for " + (learnedEnd - BYTE_TOKENS)
                    + " learned tokens, expected one merge per learned token");
        }
        // a merge may only join tokens that exist before it: bytes, or what earlier merges made
        Set<String> made = new HashSet<>(tokens.subList(0, BYTE_TOKENS));
        for (int rank = 0; rank < merges.size(); rank++) {
            Merge merge = merges.get(rank);
            if (!made.contains(merge.left()) || !made.contains(merge.right())) {
                throw new IllegalArgumentException("merge " + rank + " '" + merge.spaced()
                        + "' joins a token that no byte or earlier merge makes");
            }
            Integer id = ids.get(merge.merged());
            if (id == null || id < BYTE_TOKENS || id >= learnedEnd) {
                throw new IllegalArgumentException("merge " + rank + " '" + merge.spaced() + "' makes '" + merge.merged()
                        + "', which is not one of the learned tokens (ids " + BYTE_TOKENS + ".." + (learnedEnd - 1) + ")");
            }
            made.add(merge.merged());
        }
        for (int id = BYTE_TOKENS; id < learnedEnd; id++) {
            if (!made.contains(tokens.get(id))) {
                throw new IllegalArgumentException("token " + id + " '" + tokens.get(id) + "' is made by no merge");
            }
        }
    }

    /** The id of the token that ends a document (also BOS and padding), if the special tokens have one. */
    Optional<Integer> endOfText() {
        return specialId(END_OF_TEXT).or(() -> specialId(END_OF_TURN));
    }

    /** The id of the token that ends a chat turn, if the special tokens have one. */
    Optional<Integer> endOfTurn() {
        return specialId(END_OF_TURN).or(() -> specialId(END_OF_TEXT));
    }

    private Optional<Integer> specialId(String text) {
        int index = specialTokens.indexOf(text);
        return index < 0 ? Optional.empty() : Optional.of(tokens.size() - specialTokens.size() + index);
    }

    /**
     * Saves this tokenizer as a Hugging Face {@code tokenizer.json}, and beside it the
     * {@link #configBeside tokenizer_config.json} that names its BOS, EOS and padding tokens. Each
     * file is written to a temporary sibling and moved into place, replacing any file there.
     */
    public void write(Path tokenizerJson) throws IOException {
        HuggingFaceFiles.write(this, tokenizerJson);
    }

    /**
     * Reads a {@code tokenizer.json} that {@link #write} saved (or any with the same model,
     * pre-tokenizer and layout); the {@code tokenizer_config.json} beside it is not needed.
     *
     * @throws IOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file and field, for a tokenizer of another kind
     *     (not byte-level BPE, another pre-tokenizer, a normalizer) or another id layout
     */
    public static TrainedTokenizer read(Path tokenizerJson) throws IOException {
        return HuggingFaceFiles.read(tokenizerJson);
    }

    /** The {@code tokenizer_config.json} that {@link #write} saves beside {@code tokenizerJson}. */
    public static Path configBeside(Path tokenizerJson) {
        return tokenizerJson.toAbsolutePath().resolveSibling(HuggingFaceFiles.CONFIG_FILE_NAME);
    }

    /**
     * Adds this tokenizer to a GGUF file's metadata as llama.cpp's converter writes Qwen2's:
     * {@code tokenizer.ggml.model = gpt2}, {@code pre = qwen2}, the tokens with their types (special
     * tokens are control tokens), the merges, the BOS/EOS/padding and end-of-turn ids, and
     * {@code add_bos_token = false}. Hearth's {@code Tokenizers.fromGguf} then tokenizes exactly as
     * it does from the {@code tokenizer.json}.
     */
    public void putInto(GgufWriter gguf) {
        int[] types = new int[tokens.size()];
        int firstSpecial = tokens.size() - specialTokens.size();
        for (int id = 0; id < types.length; id++) {
            types[id] = (id < firstSpecial ? TokenType.NORMAL : TokenType.CONTROL).id();
        }
        gguf.putString(GgufVocabularies.MODEL, "gpt2");
        gguf.putString(GgufVocabularies.PRE, PRE_TOKENIZER_NAME);
        gguf.putStringArray(GgufVocabularies.TOKENS, tokens);
        gguf.putInt32Array(GgufVocabularies.TOKEN_TYPES, types);
        gguf.putStringArray(GgufVocabularies.MERGES, merges.stream().map(Merge::spaced).toList());
        // llama.cpp takes id 11 as BOS and EOS of a gpt2 vocabulary that names none: name them when there is one
        endOfText().ifPresent(id -> {
            gguf.putUInt32("tokenizer.ggml.bos_token_id", id);
            gguf.putUInt32("tokenizer.ggml.eos_token_id", id);
            gguf.putUInt32("tokenizer.ggml.padding_token_id", id);
        });
        endOfTurn().ifPresent(id -> gguf.putUInt32("tokenizer.ggml.eot_token_id", id));
        gguf.putBool("tokenizer.ggml.add_bos_token", false);
    }
}
