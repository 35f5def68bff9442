package dev.hearth.model.generate;

import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Vocabulary;

import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The tokens that end a generation, as llama.cpp's {@code is_eog} set: EOS, EOT and EOM by their
 * ids, the fill-in-the-middle pad/repeat/separator tokens, and the end-of-turn tokens that chat
 * models' vocabularies hold under well-known texts. The texts are needed because many files name
 * only EOS while the chat template ends each turn with another token (Qwen's {@code <|im_end|>}
 * after {@code <|endoftext|>}, Llama 3's {@code <|eot_id|>} after {@code <|end_of_text|>}).
 */
public final class EndOfGeneration {
    // llama.cpp src/llama-vocab.cpp, the special_eog_ids loop
    private static final List<String> TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>",
            "<end_of_utterance>");
    private static final List<String> ID_KEYS = List.of("tokenizer.ggml.eom_token_id",
            "tokenizer.ggml.fim_pad_token_id", "tokenizer.ggml.fim_rep_token_id", "tokenizer.ggml.fim_sep_token_id");

    private final int[] ids; // ascending

    private EndOfGeneration(int[] ids) {
        this.ids = ids;
    }

    /** The end-of-generation tokens of {@code model}'s vocabulary. */
    public static EndOfGeneration of(Model model) {
        Vocabulary vocabulary = model.tokenizer().vocabulary();
        SpecialTokens special = model.tokenizer().specialTokens();
        GgufMetadata metadata = model.metadata();
        TreeSet<Integer> set = new TreeSet<>();
        add(set, special.eos(), vocabulary);
        add(set, special.eot(), vocabulary);
        for (String key : ID_KEYS) {
            metadata.findLong(key).ifPresent(id -> add(set, OptionalInt.of((int) id), vocabulary));
        }
        for (String text : TEXTS) {
            add(set, vocabulary.id(text), vocabulary);
        }
        return new EndOfGeneration(set.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void add(TreeSet<Integer> set, OptionalInt id, Vocabulary vocabulary) {
        if (id.isPresent() && vocabulary.contains(id.getAsInt())) {
            set.add(id.getAsInt());
        }
    }

    /** Whether {@code token} ends a generation. */
    public boolean contains(int token) {
        return java.util.Arrays.binarySearch(ids, token) >= 0;
    }

    /** The ids, ascending. */
    public int[] ids() {
        return ids.clone();
    }
}
