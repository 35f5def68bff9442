package dev.hearth.train.lora;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.DecoderWeights;
import dev.hearth.model.lora.LoraAdapter;
import dev.hearth.model.lora.LoraTarget;
import dev.hearth.train.data.SplitMix64;
import dev.hearth.train.llama.Gain;
import dev.hearth.train.llama.LlamaWeights;
import dev.hearth.train.llama.ParameterLayout.Slot;
import dev.hearth.train.llama.Projection;
import dev.hearth.train.llama.TokenTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trainable part of a LoRA fine-tune: an {@code A [r][in]} and a {@code B [out][r]} for each
 * targeted matrix of each block, all in one float array (so the optimizer, clipping and
 * checkpoints treat them as any parameters), and the {@link LlamaWeights} that put them beside the
 * frozen base. A starts small and random, B at zero, so training starts from the base model.
 */
final class AdapterParameters {
    private final BaseModel base;
    private final Set<LoraTarget> targets;
    private final int rank;
    private final float alpha;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Slot[]> byTensor = new LinkedHashMap<>(); // base tensor → {A, B}
    private final float[] values;
    private final float[] gradients;

    AdapterParameters(BaseModel base, Set<LoraTarget> targets, int rank, float alpha) {
        if (rank <= 0 || !(alpha > 0) || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs a positive rank and alpha and at least one target; got rank "
                    + rank + ", alpha " + alpha + ", targets " + targets);
        }
        this.base = base;
        this.targets = EnumSet.copyOf(targets);
        this.rank = rank;
        this.alpha = alpha;
        long size = 0;
        for (int l = 0; l < base.shape().layers(); l++) {
            for (LoraTarget target : this.targets) {
                Tensor w = weight(base.weights().layers().get(l), target);
                String name = target.tensorName(l);
                Slot a = new Slot(name + ".lora_a", size, rank, w.cols(), true);
                size += (long) rank * w.cols();
                Slot b = new Slot(name + ".lora_b", size, w.rows(), rank, true);
                size += (long) w.rows() * rank;
                slots.add(a);
                slots.add(b);
                byTensor.put(name, new Slot[] {a, b});
            }
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an adapter of " + size + " parameters; lower the rank");
        }
        this.values = new float[(int) size];
        this.gradients = new float[(int) size];
    }

    /** A uniform in ±1/√in (as PEFT's Kaiming start), B zero. */
    void initialize(SplitMix64 random) {
        for (Slot[] pair : byTensor.values()) {
            Slot a = pair[0];
            double bound = 1 / Math.sqrt(a.cols());
            for (int i = 0; i < a.size(); i++) {
                values[(int) a.offset() + i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
        }
    }

    /**
     * The weights a fine-tuning step computes with.
     *
     * @param maxRows the most rows a pass runs ({@code B·T})
     */
    LlamaWeights weights(int maxRows) {
        int widest = Math.max(base.shape().ffnDim(), base.shape().dim());
        float[] scratch = new float[maxRows * widest];
        float scale = alpha / rank;
        List<LlamaWeights.Block> blocks = new ArrayList<>();
        List<DecoderWeights.Layer> layers = base.weights().layers();
        for (int l = 0; l < layers.size(); l++) {
            DecoderWeights.Layer layer = layers.get(l);
            Projection[] p = new Projection[LoraTarget.values().length];
            for (LoraTarget target : LoraTarget.values()) {
                Tensor w = weight(layer, target);
                float[] bias = switch (target) {
                    case ATTN_Q -> layer.qBias();
                    case ATTN_K -> layer.kBias();
                    case ATTN_V -> layer.vBias();
                    default -> null;
                };
                Slot[] pair = byTensor.get(target.tensorName(l));
                p[target.ordinal()] = pair == null ? new FrozenProjection(w, bias)
                        : new LoraProjection(w, bias, pair[0].matrix(values), pair[1].matrix(values), gradients, pair[0].offset(),
                                pair[1].offset(), scale, maxRows, scratch);
            }
            blocks.add(new LlamaWeights.Block(new Gain(layer.attentionNorm(), 0, null), p[0], p[1], p[2], p[3],
                    new Gain(layer.ffnNorm(), 0, null), p[4], p[5], p[6]));
        }
        return new LlamaWeights(new TokenTable.Frozen(base.weights().tokenEmbedding()), blocks,
                new Gain(base.weights().outputNorm(), 0, null), new FrozenProjection(base.weights().output(), null),
                base.rope().neox(), base.rope().invFrequencies());
    }

    private static Tensor weight(DecoderWeights.Layer layer, LoraTarget target) {
        return switch (target) {
            case ATTN_Q -> layer.wq();
            case ATTN_K -> layer.wk();
            case ATTN_V -> layer.wv();
            case ATTN_OUTPUT -> layer.wo();
            case FFN_GATE -> layer.gate();
            case FFN_UP -> layer.up();
            case FFN_DOWN -> layer.down();
        };
    }

    /** The adapter as llama.cpp's GGUF layout holds it, copied out of the parameter array. */
    LoraAdapter toAdapter() {
        Map<String, LoraAdapter.Factors> factors = new LinkedHashMap<>();
        byTensor.forEach((name, pair) -> factors.put(name, new LoraAdapter.Factors(rank, pair[0].cols(), pair[1].rows(),
                copy(pair[0]), copy(pair[1]))));
        return new LoraAdapter(null, base.architecture(), alpha, factors);
    }

    private float[] copy(Slot slot) {
        return java.util.Arrays.copyOfRange(values, (int) slot.offset(), (int) slot.offset() + slot.size());
    }

    List<Slot> slots() {
        return List.copyOf(slots);
    }

    float[] values() {
        return values;
    }

    float[] gradients() {
        return gradients;
    }
}
