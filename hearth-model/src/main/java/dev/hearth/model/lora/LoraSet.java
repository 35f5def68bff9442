package dev.hearth.model.lora;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The LoRA adapters one sequence applies, each at its scale, checked against one model file and
 * laid out for the forward pass: for each block and {@link LoraTarget}, the terms
 * {@code y += s·B·(A·x)} to add after that matrix's own product. Several adapters add up.
 *
 * <p>A sequence's {@link dev.hearth.model.runtime.KvCache} holds the set its keys and values were
 * computed with. Two sets are equal when they apply the same adapter instances at the same scales,
 * in the same order, to the same open model file: their sequences then compute the same keys and
 * values and may share cached prefixes; sequences with unequal sets never do.
 *
 * <p>Immutable and thread-safe. Get one from {@link dev.hearth.model.runtime.Model#lora} (or
 * {@link #bind}); {@link #NONE} applies nothing.
 */
public final class LoraSet {
    /** No adapter: the base model as it is. */
    public static final LoraSet NONE = new LoraSet(null, List.of(), new Term[0][][]);
    private static final Term[] NO_TERMS = {};

    /**
     * One adapter's change to one matrix, as the forward pass multiplies it.
     *
     * @param a {@code [rank][in]}, F32
     * @param b {@code [out][rank]}, F32
     * @param scale the factor of the product: {@link LoraAdapter#scale(float)} of the user's scale
     */
    public record Term(Tensor a, Tensor b, float scale) {

        /** The rows of {@code A}. */
        public int rank() {
            return a.rows();
        }
    }

    private final GgufFile base;
    private final List<ScaledLora> adapters;
    private final Term[][][] terms; // [layer][LoraTarget.ordinal()][k]: the k-th adapter that changes it

    private LoraSet(GgufFile base, List<ScaledLora> adapters, Term[][][] terms) {
        this.base = base;
        this.adapters = adapters;
        this.terms = terms;
    }

    /**
     * The set that applies {@code adapters}, in order, to the model in {@code base}. Adapters at
     * scale 0 are left out; when none is left, {@link #NONE}.
     *
     * @throws dev.hearth.model.runtime.ModelLoadException naming the adapter's file and the key or
     *     tensor when an adapter is for another architecture or changes a tensor {@code base} lacks
     *     or has in other dimensions ({@link LoraAdapters#checkFits})
     */
    public static LoraSet bind(GgufFile base, List<ScaledLora> adapters) {
        Objects.requireNonNull(base, "base");
        List<ScaledLora> applied = adapters.stream().filter(a -> a.scale() != 0).toList();
        if (applied.isEmpty()) {
            return NONE;
        }
        int layers = 0;
        for (ScaledLora a : applied) {
            LoraAdapters.checkFits(a.adapter(), base);
            for (String name : a.adapter().factors().keySet()) {
                layers = Math.max(layers, LoraTarget.of(name).orElseThrow().layer() + 1);
            }
        }
        LoraTarget[] targets = LoraTarget.values();
        Term[][][] terms = new Term[layers][targets.length][];
        for (int l = 0; l < layers; l++) {
            for (LoraTarget target : targets) {
                List<Term> here = new ArrayList<>();
                for (ScaledLora a : applied) {
                    String name = target.tensorName(l);
                    LoraAdapter.Factors f = a.adapter().factors().get(name);
                    if (f != null) {
                        here.add(new Term(Tensor.ofFloats(name + ".lora_a", f.a(), f.in(), f.rank()),
                                Tensor.ofFloats(name + ".lora_b", f.b(), f.rank(), f.out()),
                                a.adapter().scale(a.scale())));
                    }
                }
                terms[l][target.ordinal()] = here.toArray(NO_TERMS);
            }
        }
        return new LoraSet(base, applied, terms);
    }

    /** The adapters this set applies, with the user's scales (none at 0). */
    public List<ScaledLora> adapters() {
        return adapters;
    }

    /** Whether it applies nothing. */
    public boolean isEmpty() {
        return adapters.isEmpty();
    }

    /** Whether its adapters were checked against {@code file}; {@link #NONE} fits every model. */
    public boolean fits(GgufFile file) {
        return isEmpty() || base == file;
    }

    /** What to add after block {@code layer}'s {@code target} product; empty where nothing changes it. */
    public Term[] terms(int layer, LoraTarget target) {
        return layer < terms.length ? terms[layer][target.ordinal()] : NO_TERMS;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LoraSet other) || other.base != base || other.adapters.size() != adapters.size()) {
            return false;
        }
        for (int i = 0; i < adapters.size(); i++) {
            ScaledLora mine = adapters.get(i);
            ScaledLora theirs = other.adapters.get(i);
            if (mine.adapter() != theirs.adapter() || Float.compare(mine.scale(), theirs.scale()) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = System.identityHashCode(base);
        for (ScaledLora a : adapters) {
            h = 31 * h + System.identityHashCode(a.adapter());
            h = 31 * h + Float.hashCode(a.scale());
        }
        return h;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "no LoRA adapters";
        }
        StringBuilder sb = new StringBuilder();
        for (ScaledLora a : adapters) {
            Object name = a.adapter().source() != null ? a.adapter().source().getFileName() : "an adapter in memory";
            sb.append(sb.isEmpty() ? "" : ", ").append(name).append(" at ").append(a.scale());
        }
        return sb.toString();
    }
}
