package dev.hearth.model.lora;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The matrices of a decoder block a LoRA adapter may change, under llama.cpp's tensor names
 * ({@code blk.N.attn_q.weight} …). The decoder adds an adapter's product after each of these
 * matrices' own; the embedding and the output projection are not among them.
 */
public enum LoraTarget {
    ATTN_Q("attn_q"),
    ATTN_K("attn_k"),
    ATTN_V("attn_v"),
    ATTN_OUTPUT("attn_output"),
    FFN_GATE("ffn_gate"),
    FFN_UP("ffn_up"),
    FFN_DOWN("ffn_down");

    private static final Pattern BLOCK_TENSOR = Pattern.compile("blk\\.(0|[1-9][0-9]{0,5})\\.([a-z_]+)\\.weight");

    private final String suffix;

    LoraTarget(String suffix) {
        this.suffix = suffix;
    }

    /** The base tensor this target is in block {@code layer}: {@code blk.3.attn_q.weight}. */
    public String tensorName(int layer) {
        return "blk." + layer + "." + suffix + ".weight";
    }

    /** The block and target a base tensor name stands for; empty for any other tensor. */
    public static Optional<Site> of(String tensorName) {
        Matcher m = BLOCK_TENSOR.matcher(tensorName);
        if (m.matches()) {
            for (LoraTarget target : values()) {
                if (target.suffix.equals(m.group(2))) {
                    return Optional.of(new Site(Integer.parseInt(m.group(1)), target));
                }
            }
        }
        return Optional.empty();
    }

    /** The targets' short names, for messages: {@code attn_q, attn_k, …}. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (LoraTarget target : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(target.suffix);
        }
        return sb.toString();
    }

    /** One target matrix in one block. */
    public record Site(int layer, LoraTarget target) {}
}
