package dev.hearth.model.arch.transformer;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.lora.LoraAdapter;
import dev.hearth.model.lora.LoraMerge;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.RandomAdapters;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvBlockPool;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LoRA adapters in the decoder's forward pass: applied at run time against merged into the
 * weights, at scale 0 against the base model, per sequence in a batch against each sequence
 * alone, and kept apart in the prefix cache.
 */
class DecoderLoraTest {
    // s·B·(A·x) added after W·x against (W + s·B·A)·x: the same maths in another order, so the logits
    // differ by float rounding, compounded over the layers (measured: about 1e-6); a term applied to
    // the wrong rows, target or scale is off by far more than this
    private static final double SAME_UP_TO_ROUNDING = 1e-4;
    // a batch runs the same products as a lone sequence, row for row
    private static final double SAME_MATHS = 1e-5;
    private static final int[] PROMPT = {SyntheticModel.BOS, 275, 290, 17, 259, 299, 42, 288, 270, 3, 296, 262, 281};

    @TempDir
    Path dir;

    static Stream<SyntheticModel.Spec> architectures() {
        // an output projection of their own, as a random tied model's logits barely move
        return Stream.of(SyntheticModel.Spec.llama(), SyntheticModel.Spec.qwen2(), SyntheticModel.Spec.qwen3())
                .map(spec -> spec.withTied(false));
    }

    private Path write(SyntheticModel.Spec spec) throws IOException {
        return SyntheticModel.of(spec).write(dir.resolve(spec.arch() + "-" + System.nanoTime() + ".gguf"));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void adaptersAppliedAtRunTimeGiveTheLogitsOfTheModelTheyAreMergedInto(SyntheticModel.Spec spec) throws IOException {
        Path base = write(spec);
        List<ScaledLora> adapters = List.of(new ScaledLora(RandomAdapters.of(base, 4, 11), 0.8f),
                new ScaledLora(RandomAdapters.of(base, 2, 12), 1.5f));
        Path mergedFile = dir.resolve("merged.gguf");
        List<LoraMerge.MergedTensor> changed = LoraMerge.write(base, adapters, mergedFile);
        assertThat(changed).hasSize(7 * spec.layers()).allMatch(t -> t.writtenType() == GgmlType.F32);

        int prompt = 9;
        try (Model model = Models.open(base, ModelOptions.defaults().withBatchSize(4)); // the prompt in chunks
             Model merged = Models.open(mergedFile);
             KvCache adapted = model.newCache(32, KvPrecision.F32, model.lora(adapters));
             KvCache reference = merged.newCache(32, KvPrecision.F32);
             KvCache plain = model.newCache(32, KvPrecision.F32)) {
            int vocab = model.info().vocabularySize();
            float[] got = new float[prompt * vocab];
            float[] expected = new float[prompt * vocab];
            float[] baseLogits = new float[prompt * vocab];
            model.forwardAll(adapted, Arrays.copyOf(PROMPT, prompt), got);
            merged.forwardAll(reference, Arrays.copyOf(PROMPT, prompt), expected);
            model.forwardAll(plain, Arrays.copyOf(PROMPT, prompt), baseLogits);
            assertThat(Logits.relativeRms(got, expected)).isLessThan(SAME_UP_TO_ROUNDING);
            assertThat(Logits.relativeRms(baseLogits, expected)).as("the adapters change the logits").isGreaterThan(0.05);
            for (int t = prompt; t < PROMPT.length; t++) { // then the decode path, a token at a time
                assertThat(Logits.relativeRms(model.forward(adapted, PROMPT[t]), merged.forward(reference, PROMPT[t])))
                        .as("position %d", t).isLessThan(SAME_UP_TO_ROUNDING);
            }
        }
    }

    @Test
    void anAdapterAtScaleZeroGivesExactlyTheBaseLogits() throws IOException {
        Path base = write(SyntheticModel.Spec.llama().withTied(false));
        try (Model model = Models.open(base)) {
            LoraSet zero = model.lora(List.of(new ScaledLora(RandomAdapters.of(base, 4, 5), 0f)));
            assertThat(zero.isEmpty()).isTrue();
            try (KvCache adapted = model.newCache(32, KvPrecision.F32, zero);
                 KvCache plain = model.newCache(32, KvPrecision.F32)) {
                assertThat(model.forward(adapted, PROMPT)).containsExactly(model.forward(plain, PROMPT));
            }
        }
    }

    /**
     * One step over three sequences, each with adapters of its own (two adapters that add up, one
     * adapter, none), one prefilling and two decoding, gives each the logits it gets alone.
     */
    @ParameterizedTest
    @MethodSource("architectures")
    void aBatchWhoseSequencesApplyDifferentAdaptersGivesEachTheLogitsItGetsAlone(SyntheticModel.Spec spec)
            throws IOException {
        Path base = write(spec);
        LoraAdapter first = RandomAdapters.of(base, 4, 21);
        LoraAdapter second = RandomAdapters.of(base, 3, 22);
        try (Model model = Models.open(base, ModelOptions.defaults().withBatchSize(16));
             KvBlockPool pool = model.newBlockPool(1 << 20, 4, KvPrecision.F32)) {
            LoraSet[] sets = {model.lora(List.of(new ScaledLora(first, 0.6f), new ScaledLora(second, 1.2f))),
                    model.lora(List.of(new ScaledLora(second, 1f))), LoraSet.NONE};
            int vocab = model.info().vocabularySize();
            int[] a = Arrays.copyOf(PROMPT, 9);
            int[] b = {SyntheticModel.BOS, 281, 262, 296, 3, 270};
            int[] c = PROMPT.clone();
            KvCache ca = pool.newSequence(32, a, sets[0]);
            model.forward(ca, a);
            KvCache cb = pool.newSequence(32, b, sets[1]);
            model.forward(cb, Arrays.copyOf(b, 5));
            KvCache cc = pool.newSequence(32, c, sets[2]);
            Batch batch = new Batch();
            batch.add(ca, new int[] {290}, 0, 1);
            batch.add(cb, b, 5, 1);
            batch.add(cc, c, 0, c.length);
            float[] logits = new float[3 * vocab];
            model.forward(batch, logits);

            int[][] alone = {Arrays.copyOf(PROMPT, 10), b, c};
            alone[0][9] = 290;
            for (int i = 0; i < 3; i++) {
                try (KvCache fresh = model.newCache(32, KvPrecision.F32, sets[i])) {
                    float[] expected = model.forward(fresh, alone[i]);
                    float[] got = Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
                    assertThat(Logits.relativeRms(got, expected)).as("sequence %d", i).isLessThan(SAME_MATHS);
                }
            }
        }
    }

    @Test
    void prefixBlocksAreReusedOnlyBetweenSequencesThatApplyEqualAdapters() throws IOException {
        Path base = write(SyntheticModel.Spec.llama().withTied(false));
        LoraAdapter adapter = RandomAdapters.of(base, 4, 31);
        try (Model model = Models.open(base, ModelOptions.defaults().withBatchSize(16));
             KvBlockPool pool = model.newBlockPool(1 << 20, 4, KvPrecision.F32)) {
            LoraSet adapted = model.lora(List.of(new ScaledLora(adapter, 1f)));
            KvCache plain = pool.newSequence(32, PROMPT);
            model.forward(plain, PROMPT); // registers blocks 0-2 without adapters
            KvCache first = pool.newSequence(32, PROMPT, adapted);
            assertThat(first.size()).as("the base model's blocks are not reused with adapters").isZero();
            float[] expected = model.forward(first, PROMPT); // registers blocks 0-2 with the adapter

            KvCache same = pool.newSequence(32, PROMPT, model.lora(List.of(new ScaledLora(adapter, 1f))));
            assertThat(same.size()).as("an equal set, made again, reuses them").isEqualTo(12);
            float[] resumed = model.forward(same, Arrays.copyOfRange(PROMPT, 12, PROMPT.length));
            assertThat(Logits.relativeRms(resumed, expected)).isLessThan(SAME_MATHS);

            KvCache weaker = pool.newSequence(32, PROMPT, model.lora(List.of(new ScaledLora(adapter, 0.5f))));
            assertThat(weaker.size()).as("another scale is another set").isZero();
            KvCache plainAgain = pool.newSequence(32, PROMPT);
            assertThat(plainAgain.size()).isEqualTo(12);
            List.of(plain, first, same, weaker, plainAgain).forEach(KvCache::close);
        }
    }

    @Test
    void adaptersAreRefusedByAModelTheyWereNotCheckedAgainst() throws IOException {
        Path base = write(SyntheticModel.Spec.llama().withTied(false));
        LoraAdapter adapter = RandomAdapters.of(base, 4, 41);
        try (Model one = Models.open(base); Model other = Models.open(base);
             KvBlockPool pool = other.newBlockPool(1 << 20, 4, KvPrecision.F32)) {
            LoraSet set = one.lora(List.of(new ScaledLora(adapter, 1f)));
            assertThatThrownBy(() -> other.newCache(32, KvPrecision.F32, set))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another model than " + base);
            try (KvCache foreign = pool.newSequence(32, PROMPT, set)) {
                assertThatThrownBy(() -> other.forward(foreign, PROMPT)).isInstanceOf(IllegalArgumentException.class);
                assertThat(foreign.size()).isZero();
            }
        }
        Path qwen = write(SyntheticModel.Spec.qwen2());
        try (Model model = Models.open(qwen)) {
            assertThatThrownBy(() -> model.lora(List.of(new ScaledLora(adapter, 1f))))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("the adapter is for 'llama'");
        }
    }
}
