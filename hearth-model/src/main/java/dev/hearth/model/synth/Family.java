package dev.hearth.model.synth;

import dev.hearth.model.tokenizer.TokenType;

import java.util.ArrayList;
import java.util.List;

/**
 * What a model family's GGUF files look like beyond their sizes: the architecture name, the
 * tokenizer's pre-tokenizer and special tokens (at the ids that follow the family's BPE tokens),
 * which of them play the BOS/EOS/padding roles, and the chat template.
 */
public enum Family {
    /** Qwen2 and Qwen2.5: {@code qwen2} with Q/K/V biases, ChatML, BOS not added. */
    QWEN2("qwen2", "qwen2", true, "chatml", false, qwenSpecialTokens(),
            "<|endoftext|>", "<|im_end|>", "<|endoftext|>"),
    /** Llama 3.x: {@code llama}, {@code <|begin_of_text|>} added, the Llama 3 header template. */
    LLAMA3("llama", "llama-bpe", false, "llama3", true, llama3SpecialTokens(),
            "<|begin_of_text|>", "<|eot_id|>", null);

    private final String architecture;
    private final String preTokenizer;
    private final boolean qkvBias;
    private final String chatTemplate;
    private final boolean addBos;
    private final List<String> specialTokens;
    private final String bos;
    private final String eos;
    private final String padding;

    Family(String architecture, String preTokenizer, boolean qkvBias, String chatTemplate, boolean addBos,
            List<String> specialTokens, String bos, String eos, String padding) {
        this.architecture = architecture;
        this.preTokenizer = preTokenizer;
        this.qkvBias = qkvBias;
        this.chatTemplate = chatTemplate;
        this.addBos = addBos;
        this.specialTokens = List.copyOf(specialTokens);
        this.bos = bos;
        this.eos = eos;
        this.padding = padding;
    }

    /** {@code general.architecture}. */
    public String architecture() {
        return architecture;
    }

    /** {@code tokenizer.ggml.pre}. */
    public String preTokenizer() {
        return preTokenizer;
    }

    /** Whether the Q, K and V projections have biases. */
    public boolean qkvBias() {
        return qkvBias;
    }

    /** The built-in template ({@link dev.hearth.model.template.ChatTemplates#named}) the family uses. */
    public String chatTemplate() {
        return chatTemplate;
    }

    /** {@code tokenizer.ggml.add_bos_token}. */
    public boolean addBos() {
        return addBos;
    }

    /** The special tokens in id order, right after the BPE tokens. */
    public List<String> specialTokens() {
        return specialTokens;
    }

    /** The text of the BOS token. */
    public String bos() {
        return bos;
    }

    /** The text of the EOS token (the end of a chat turn). */
    public String eos() {
        return eos;
    }

    /** The text of the padding token, or null if the family names none. */
    public String padding() {
        return padding;
    }

    /**
     * How llama.cpp's converter types an added token: {@code <|…|>} looks special and is a control
     * token; anything else ({@code <tool_call>}) is user-defined, matched in text but not hidden.
     */
    static TokenType typeOf(String special) {
        return special.startsWith("<|") && special.endsWith("|>") ? TokenType.CONTROL : TokenType.USER_DEFINED;
    }

    // Qwen2.5's added tokens, ids 151643 .. 151664 in the real vocabulary
    private static List<String> qwenSpecialTokens() {
        return List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
                "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
                "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>",
                "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>");
    }

    // Llama 3's 256 special tokens, ids 128000 .. 128255 in the real vocabulary
    private static List<String> llama3SpecialTokens() {
        List<String> tokens = new ArrayList<>(List.of("<|begin_of_text|>", "<|end_of_text|>",
                "<|reserved_special_token_0|>", "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>",
                "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>",
                "<|eot_id|>", "<|python_tag|>"));
        for (int i = 3; tokens.size() < 256; i++) {
            tokens.add("<|reserved_special_token_" + i + "|>");
        }
        return tokens;
    }
}
