package dev.hearth.train.llama;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each of a model's tensors lives in one flat array of parameters (and, at the same
 * offsets, in the gradients and the optimizer's moments), named as llama.cpp names them in GGUF.
 * One array keeps the optimizer, gradient clipping and checkpoints to a loop over floats.
 */
public final class ParameterLayout {

    /**
     * One tensor: {@code rows × cols} floats from {@code offset}, row-major.
     *
     * @param decays whether AdamW's weight decay applies (matrices yes, norm gains no)
     */
    public record Slot(String name, long offset, int rows, int cols, boolean decays) {
        public int size() {
            return rows * cols;
        }

        /** This slot's floats within {@code values}, the array it lays out, as a segment over it. */
        public MemorySegment segment(float[] values) {
            return MemorySegment.ofArray(values).asSlice(offset * Float.BYTES, (long) size() * Float.BYTES);
        }

        /** This slot as a float32 matrix {@code [rows][cols]} over {@code values}, sharing its memory. */
        public Tensor matrix(float[] values) {
            return new Tensor(name, GgmlType.F32, Shape.of(cols, rows), segment(values));
        }
    }

    /** The slots of one transformer block. */
    public record Block(Slot attentionNorm, Slot wq, Slot wk, Slot wv, Slot wo, Slot ffnNorm, Slot gate, Slot up,
            Slot down) {}

    private final Map<String, Slot> byName = new LinkedHashMap<>();
    private final List<Block> blocks = new ArrayList<>();
    private final Slot tokenEmbedding;
    private final Slot outputNorm;
    private final Slot output;
    private long size;

    public ParameterLayout(LlamaShape s) {
        tokenEmbedding = add("token_embd.weight", s.vocabularySize(), s.dim(), true);
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            blocks.add(new Block(
                    add(p + "attn_norm.weight", 1, s.dim(), false),
                    add(p + "attn_q.weight", s.dim(), s.dim(), true),
                    add(p + "attn_k.weight", s.kvDim(), s.dim(), true),
                    add(p + "attn_v.weight", s.kvDim(), s.dim(), true),
                    add(p + "attn_output.weight", s.dim(), s.dim(), true),
                    add(p + "ffn_norm.weight", 1, s.dim(), false),
                    add(p + "ffn_gate.weight", s.ffnDim(), s.dim(), true),
                    add(p + "ffn_up.weight", s.ffnDim(), s.dim(), true),
                    add(p + "ffn_down.weight", s.dim(), s.ffnDim(), true)));
        }
        outputNorm = add("output_norm.weight", 1, s.dim(), false);
        output = s.tiedEmbeddings() ? tokenEmbedding : add("output.weight", s.vocabularySize(), s.dim(), true);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a model of " + size + " parameters; training holds at most "
                    + (Integer.MAX_VALUE - 16) + " in one array");
        }
    }

    private Slot add(String name, int rows, int cols, boolean decays) {
        Slot slot = new Slot(name, size, rows, cols, decays);
        byName.put(name, slot);
        size += (long) rows * cols;
        return slot;
    }

    /** Total parameters. */
    public int size() {
        return (int) size;
    }

    public Slot tokenEmbedding() {
        return tokenEmbedding;
    }

    public List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    public Slot outputNorm() {
        return outputNorm;
    }

    /** The output projection: the token embedding's slot when they are tied. */
    public Slot output() {
        return output;
    }

    /** Every distinct slot, in storage order. */
    public List<Slot> slots() {
        return List.copyOf(byName.values());
    }
}
