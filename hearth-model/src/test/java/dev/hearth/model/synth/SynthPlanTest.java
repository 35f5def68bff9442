package dev.hearth.model.synth;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The presets' hyperparameters, tensors and types, checked through their plans without writing
 * gigabytes. Parameter counts are the published ones (Hugging Face's model cards: Qwen2.5-0.5B
 * 494,032,768; Qwen2.5-1.5B 1,543,714,304; Llama-3.2-1B 1,235,814,400), which only the real shapes
 * add up to.
 */
class SynthPlanTest {
    // plans hold a vocabulary of up to 152K tokens: build each once
    private static final Map<String, SynthPlan> PLANS = new ConcurrentHashMap<>();

    private static SynthPlan plan(Preset preset, SynthType type) {
        return PLANS.computeIfAbsent(preset + " " + type, k -> SyntheticModels.plan(preset, type));
    }

    @Test
    void qwen25HalfBHasQwensHyperparametersAndPublishedSize() {
        SynthPlan plan = plan(Preset.QWEN2_5_0_5B, SynthType.F16);
        GgufMetadata md = plan.metadata();
        assertThat(md.getString("general.architecture")).isEqualTo("qwen2");
        assertThat(md.getInt("qwen2.embedding_length")).isEqualTo(896);
        assertThat(md.getInt("qwen2.block_count")).isEqualTo(24);
        assertThat(md.getInt("qwen2.attention.head_count")).isEqualTo(14);
        assertThat(md.getInt("qwen2.attention.head_count_kv")).isEqualTo(2);
        assertThat(md.getInt("qwen2.feed_forward_length")).isEqualTo(4864);
        assertThat(md.getInt("qwen2.context_length")).isEqualTo(32768);
        assertThat(md.getDouble("qwen2.rope.freq_base")).isEqualTo(1e6);
        assertThat(md.getDouble("qwen2.attention.layer_norm_rms_epsilon")).isCloseTo(1e-6, within(1e-12));
        assertThat(md.getInt("general.file_type")).isEqualTo(1);
        assertThat(plan.parameters()).isEqualTo(494_032_768L);
        assertThat(plan.tensors()).hasSize(2 + 24 * 12);
        assertThat(plan.tensor("output.weight")).isEmpty();
        assertThat(plan.tensor("token_embd.weight").orElseThrow().shape()).isEqualTo(Shape.of(896, 151_936));
        assertThat(plan.tensor("blk.23.attn_k.weight").orElseThrow().shape()).isEqualTo(Shape.of(896, 128));
        assertThat(plan.tensor("blk.23.attn_k.bias").orElseThrow().shape()).isEqualTo(Shape.of(128));
        assertThat(plan.tensor("blk.0.ffn_down.weight").orElseThrow().shape()).isEqualTo(Shape.of(4864, 896));
        assertThat(plan.typeCounts()).isEqualTo(Map.of(GgmlType.F16, 1L + 24 * 7, GgmlType.F32, 1L + 24 * 5));
    }

    @Test
    void qwen25OnePointFiveBHasHeadsOf128AndPublishedSize() {
        SynthPlan plan = plan(Preset.QWEN2_5_1_5B, SynthType.Q8_0);
        GgufMetadata md = plan.metadata();
        assertThat(md.getInt("qwen2.embedding_length")).isEqualTo(1536);
        assertThat(md.getInt("qwen2.block_count")).isEqualTo(28);
        assertThat(md.getInt("qwen2.attention.head_count")).isEqualTo(12);
        assertThat(md.getInt("qwen2.attention.head_count_kv")).isEqualTo(2);
        assertThat(md.getInt("qwen2.feed_forward_length")).isEqualTo(8960);
        assertThat(md.getInt("general.file_type")).isEqualTo(7);
        assertThat(plan.parameters()).isEqualTo(1_543_714_304L);
        assertThat(plan.tensor("blk.0.attn_v.weight").orElseThrow().shape()).isEqualTo(Shape.of(1536, 256));
        assertThat(plan.typeCounts()).isEqualTo(Map.of(GgmlType.Q8_0, 1L + 28 * 7, GgmlType.F32, 1L + 28 * 5));
    }

    @Test
    void llama32OneBHasLlama3RopeFactorsAndPublishedSize() {
        SynthPlan plan = plan(Preset.LLAMA_3_2_1B, SynthType.Q4_0);
        GgufMetadata md = plan.metadata();
        assertThat(md.getString("general.architecture")).isEqualTo("llama");
        assertThat(md.getInt("llama.embedding_length")).isEqualTo(2048);
        assertThat(md.getInt("llama.block_count")).isEqualTo(16);
        assertThat(md.getInt("llama.attention.head_count")).isEqualTo(32);
        assertThat(md.getInt("llama.attention.head_count_kv")).isEqualTo(8);
        assertThat(md.getInt("llama.attention.key_length")).isEqualTo(64);
        assertThat(md.getInt("llama.rope.dimension_count")).isEqualTo(64);
        assertThat(md.getInt("llama.feed_forward_length")).isEqualTo(8192);
        assertThat(md.getInt("llama.context_length")).isEqualTo(131072);
        assertThat(md.getInt("llama.vocab_size")).isEqualTo(128256);
        assertThat(md.getDouble("llama.rope.freq_base")).isEqualTo(500000);
        assertThat(md.getDouble("llama.attention.layer_norm_rms_epsilon")).isCloseTo(1e-5, within(1e-11));
        assertThat(md.contains("llama.rope.scaling.type")).isFalse(); // llama3 scaling lives in rope_freqs.weight
        assertThat(md.getInt("general.file_type")).isEqualTo(2);
        assertThat(plan.parameters()).isEqualTo(1_235_814_400L + 32);
        assertThat(plan.tensor("blk.0.attn_q.bias")).isEmpty();

        PlannedTensor rope = plan.tensor("rope_freqs.weight").orElseThrow();
        assertThat(rope.shape()).isEqualTo(Shape.of(32));
        assertThat(rope.type()).isEqualTo(GgmlType.F32);
        float[] factors = ((PlannedTensor.Values.Fixed) rope.values()).values();
        // short wavelengths kept, long ones stretched by 32, a smooth ramp between
        assertThat(factors[0]).isEqualTo(1f);
        assertThat(factors[31]).isEqualTo(32f);
        for (int i = 1; i < factors.length; i++) {
            assertThat(factors[i]).isGreaterThanOrEqualTo(factors[i - 1]);
        }
        assertThat(IntStream.range(0, 32).filter(i -> factors[i] > 1 && factors[i] < 32).count()).isPositive();
    }

    @Test
    void q40PutsTheTiedEmbeddingInQ6KOrQ80WhereRowsAreNotWholeSuperBlocks() {
        assertThat(typeOf(Preset.LLAMA_3_2_1B, SynthType.Q4_0, "token_embd.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(typeOf(Preset.QWEN2_5_1_5B, SynthType.Q4_0, "token_embd.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(typeOf(Preset.QWEN2_5_0_5B, SynthType.Q4_0, "token_embd.weight")).isEqualTo(GgmlType.Q8_0);
        assertThat(typeOf(Preset.QWEN2_5_0_5B, SynthType.Q4_0, "blk.7.ffn_down.weight")).isEqualTo(GgmlType.Q4_0);
        assertThat(typeOf(Preset.QWEN2_5_0_5B, SynthType.Q4_0, "blk.7.attn_v.weight")).isEqualTo(GgmlType.Q4_0);
        assertThat(typeOf(Preset.QWEN2_5_0_5B, SynthType.Q4_0, "blk.7.attn_v.bias")).isEqualTo(GgmlType.F32);
        assertThat(typeOf(Preset.QWEN2_5_0_5B, SynthType.Q8_0, "token_embd.weight")).isEqualTo(GgmlType.Q8_0);
    }

    @Test
    void q4KMGivesAttnVAndFfnDownSixBitsInTheLayersLlamaCppPicks() {
        List<Integer> moreBits = List.of(0, 1, 4, 7, 10, 13, 14, 15); // use_more_bits for 16 layers
        SynthPlan llama = plan(Preset.LLAMA_3_2_1B, SynthType.Q4_K_M);
        for (int i = 0; i < 16; i++) {
            GgmlType expected = moreBits.contains(i) ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertThat(type(llama, blk(i, "attn_v.weight"))).as("layer %d", i).isEqualTo(expected);
            assertThat(type(llama, blk(i, "ffn_down.weight"))).as("layer %d", i).isEqualTo(expected);
            for (String other : List.of("attn_q.weight", "attn_k.weight", "attn_output.weight", "ffn_gate.weight",
                    "ffn_up.weight")) {
                assertThat(type(llama, blk(i, other))).isEqualTo(GgmlType.Q4_K);
            }
        }
        assertThat(type(llama, "token_embd.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(type(llama, "output_norm.weight")).isEqualTo(GgmlType.F32);
        assertThat(type(llama, "rope_freqs.weight")).isEqualTo(GgmlType.F32);
        assertThat(llama.typeCounts()).isEqualTo(Map.of(GgmlType.Q4_K, 16L * 7 - 16, GgmlType.Q6_K, 1L + 16,
                GgmlType.F32, 2L + 16 * 2));
    }

    @Test
    void q4KMFallsBackWhereQwenHalfBRowsAreNotWholeSuperBlocks() {
        // 896 = 3.5 × 256: rows of 896 go Q4_K → Q5_0 and Q6_K → Q8_0; ffn_down's 4864 = 19 × 256 rows keep K-quants
        List<Integer> moreBits = List.of(0, 1, 2, 5, 8, 11, 14, 17, 20, 21, 22, 23); // use_more_bits for 24 layers
        SynthPlan qwen = plan(Preset.QWEN2_5_0_5B, SynthType.Q4_K_M);
        for (int i = 0; i < 24; i++) {
            boolean more = moreBits.contains(i);
            assertThat(type(qwen, blk(i, "attn_v.weight"))).as("layer %d", i).isEqualTo(more ? GgmlType.Q8_0 : GgmlType.Q5_0);
            assertThat(type(qwen, blk(i, "ffn_down.weight"))).as("layer %d", i).isEqualTo(more ? GgmlType.Q6_K : GgmlType.Q4_K);
            assertThat(type(qwen, blk(i, "attn_q.weight"))).isEqualTo(GgmlType.Q5_0);
            assertThat(type(qwen, blk(i, "attn_output.weight"))).isEqualTo(GgmlType.Q5_0);
            assertThat(type(qwen, blk(i, "ffn_up.weight"))).isEqualTo(GgmlType.Q5_0);
        }
        assertThat(type(qwen, "token_embd.weight")).isEqualTo(GgmlType.Q8_0);

        SynthPlan wide = plan(Preset.QWEN2_5_1_5B, SynthType.Q4_K_M);
        assertThat(type(wide, "token_embd.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(type(wide, blk(0, "attn_q.weight"))).isEqualTo(GgmlType.Q4_K);
        assertThat(type(wide, blk(2, "attn_v.weight"))).isEqualTo(GgmlType.Q6_K);
        assertThat(type(wide, blk(3, "attn_v.weight"))).isEqualTo(GgmlType.Q4_K);
    }

    @Test
    void tinyHasQwensLayoutAtAFewMegabytes() {
        SynthPlan plan = plan(Preset.TINY, SynthType.Q4_K_M);
        assertThat(plan.metadata().getString("general.architecture")).isEqualTo("qwen2");
        assertThat(plan.tensor("blk.0.attn_q.bias")).isPresent();
        assertThat(plan.tensorBytes()).isLessThan(4L << 20);
        assertThat(plan(Preset.TINY, SynthType.F16).tensorBytes()).isLessThan(10L << 20);
        // the mix of qwen2.5-0.5b: Q5_0 and Q8_0 fallbacks beside Q4_K and Q6_K
        assertThat(plan.typeCounts().keySet())
                .containsExactlyInAnyOrder(GgmlType.F32, GgmlType.Q4_K, GgmlType.Q5_0, GgmlType.Q6_K, GgmlType.Q8_0);
    }

    @Test
    void everyPresetsTokenizerLoadsWithTheFamilysSpecialTokensAtTheirRealIds() {
        Tokenizer qwen = Tokenizers.fromGguf(plan(Preset.QWEN2_5_0_5B, SynthType.Q8_0).metadata());
        assertThat(qwen.vocabulary().size()).isEqualTo(151_936);
        assertThat(qwen.vocabulary().token(151_643)).isEqualTo("<|endoftext|>");
        assertThat(qwen.vocabulary().token(151_644)).isEqualTo("<|im_start|>");
        assertThat(qwen.vocabulary().token(151_645)).isEqualTo("<|im_end|>");
        assertThat(qwen.vocabulary().token(151_935)).isEqualTo("[PAD151935]");
        assertThat(qwen.specialTokens().eos()).hasValue(151_645);
        assertThat(qwen.specialTokens().bos()).hasValue(151_643);
        assertThat(qwen.specialTokens().addBos()).isFalse();

        Tokenizer llama = Tokenizers.fromGguf(plan(Preset.LLAMA_3_2_1B, SynthType.Q8_0).metadata());
        assertThat(llama.vocabulary().size()).isEqualTo(128_256);
        assertThat(llama.vocabulary().token(128_000)).isEqualTo("<|begin_of_text|>");
        assertThat(llama.vocabulary().token(128_001)).isEqualTo("<|end_of_text|>");
        assertThat(llama.vocabulary().token(128_006)).isEqualTo("<|start_header_id|>");
        assertThat(llama.vocabulary().token(128_009)).isEqualTo("<|eot_id|>");
        assertThat(llama.vocabulary().token(128_255)).isEqualTo("<|reserved_special_token_247|>");
        assertThat(llama.specialTokens().bos()).hasValue(128_000);
        assertThat(llama.specialTokens().eos()).hasValue(128_009);
        assertThat(llama.specialTokens().addBos()).isTrue();
        assertThat(plan(Preset.LLAMA_3_2_1B, SynthType.F16).metadata().getString("tokenizer.ggml.pre"))
                .isEqualTo("llama-bpe");
    }

    private static GgmlType typeOf(Preset preset, SynthType type, String tensor) {
        return type(plan(preset, type), tensor);
    }

    private static GgmlType type(SynthPlan plan, String tensor) {
        return plan.tensor(tensor).orElseThrow().type();
    }

    @Test
    void everyPresetAndTypeHasRowsOfWholeBlocks() {
        List<String> bad = new ArrayList<>();
        for (Preset p : Preset.all()) {
            for (SynthType t : SynthType.values()) {
                for (PlannedTensor tensor : plan(p, t).tensors()) {
                    if (tensor.rowLength() % tensor.type().blockSize() != 0) {
                        bad.add(p + " " + t + " " + tensor.name());
                    }
                }
            }
        }
        assertThat(bad).isEmpty();
    }
}
