package dev.hearth.model.lora;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A LoRA adapter (Hu et al., 2021): for some of a base model's matrices {@code W} ({@code [out][in]}),
 * the low-rank factors of a change {@code ΔW = B·A}, which a forward pass applies as
 * {@code y = W·x + s·B·(A·x)} with {@code s = }{@link #scale(float) scale(userScale)}.
 * {@link LoraAdapters} reads and writes it as llama.cpp's GGUF adapter.
 *
 * <p>Every factor pair has the same rank: Hearth trains adapters so, and refuses files that mix
 * ranks. Data only; the factors' arrays are shared, not copied, and must not change afterwards.
 *
 * @param source the file it was read from, for messages; null for one built in memory
 * @param architecture the base model's {@code general.architecture}
 * @param alpha {@code adapter.lora.alpha}; with the rank it sets the adapter's strength, and 0
 *     means the user's scale as it is (llama.cpp's convention)
 * @param factors {@code A} and {@code B} by the name of the base tensor they change, e.g.
 *     {@code blk.0.attn_q.weight}; kept in block order, then {@link LoraTarget} order
 */
public record LoraAdapter(Path source, String architecture, float alpha, Map<String, Factors> factors) {

    /**
     * @throws IllegalArgumentException if there are no factors, a name is not a {@link LoraTarget}'s,
     *     the ranks differ, or alpha is not finite and at least 0
     */
    public LoraAdapter {
        Objects.requireNonNull(architecture, "architecture");
        if (!(alpha >= 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be finite and >= 0, got " + alpha);
        }
        if (factors.isEmpty()) {
            throw new IllegalArgumentException("a LoRA adapter needs factors for at least one tensor");
        }
        Map<String, Factors> ordered = new TreeMap<>(Comparator.comparing(
                (String name) -> site(name).layer()).thenComparing(name -> site(name).target()));
        int rank = factors.values().iterator().next().rank();
        factors.forEach((name, f) -> {
            Objects.requireNonNull(f, name);
            if (f.rank() != rank) {
                throw new IllegalArgumentException(name + " has rank " + f.rank() + ", other tensors rank " + rank
                        + "; an adapter's factors share one rank");
            }
            ordered.put(name, f);
        });
        factors = Collections.unmodifiableMap(new LinkedHashMap<>(ordered));
    }

    /** The rank every factor pair has: the rows of {@code A}, the columns of {@code B}. */
    public int rank() {
        return factors.values().iterator().next().rank();
    }

    /**
     * The factor the product {@code B·A} is multiplied by when the user asks for {@code userScale}:
     * {@code userScale · alpha / rank}, or {@code userScale} when alpha is 0, as llama.cpp computes
     * it ({@code llama_adapter_lora_weight::get_scale}).
     */
    public float scale(float userScale) {
        return alpha == 0 ? userScale : userScale * alpha / rank();
    }

    private static LoraTarget.Site site(String name) {
        return LoraTarget.of(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                + "' is not a tensor an adapter can change (blk.N.{" + LoraTarget.names() + "}.weight)"));
    }

    /**
     * The factors of one matrix's change {@code ΔW = B·A}, row-major.
     *
     * @param rank {@code r}, the inner dimension
     * @param in the base matrix's columns (the length of its input)
     * @param out the base matrix's rows (the length of its output)
     * @param a {@code [rank][in]}
     * @param b {@code [out][rank]}
     */
    public record Factors(int rank, int in, int out, float[] a, float[] b) {

        /** @throws IllegalArgumentException if a dimension is not positive or an array has another length */
        public Factors {
            if (rank <= 0 || in <= 0 || out <= 0) {
                throw new IllegalArgumentException("LoRA factors need positive dimensions, got rank " + rank + ", in "
                        + in + ", out " + out);
            }
            if (a.length != (long) rank * in || b.length != (long) out * rank) {
                throw new IllegalArgumentException("LoRA factors of rank " + rank + " for a [" + out + "][" + in
                        + "] matrix need A of " + (long) rank * in + " and B of " + (long) out * rank
                        + " floats, got " + a.length + " and " + b.length);
            }
        }
    }
}
