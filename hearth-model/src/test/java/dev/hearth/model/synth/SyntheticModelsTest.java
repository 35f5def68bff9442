package dev.hearth.model.synth;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelInfo;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.tokenizer.SpecialTokenMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Writing the tiny preset and running it; the big presets are checked through their plans ({@link SynthPlanTest}). */
class SyntheticModelsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SynthType.class)
    void tinyOpensAndEveryStepGivesFiniteLogitsOfASaneSpread(SynthType type) throws IOException {
        Path file = dir.resolve("tiny-" + type.cliName() + ".gguf");
        SynthResult result = SyntheticModels.write(Preset.TINY, type, 1, file);
        SynthPlan plan = SyntheticModels.plan(Preset.TINY, type);
        assertThat(result.parameters()).isEqualTo(plan.parameters());
        assertThat(result.fileSize()).isEqualTo(Files.size(file)).isGreaterThan(plan.tensorBytes());

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensors()).hasSameSizeAs(plan.tensors());
            for (PlannedTensor t : plan.tensors()) {
                GgufTensorInfo info = gguf.tensor(t.name()).orElseThrow();
                assertThat(info.type()).as(t.name()).isEqualTo(t.type());
                assertThat(info.shape()).as(t.name()).isEqualTo(t.shape());
            }
            assertThat(gguf.metadata().getInt("general.file_type")).isEqualTo(type.fileType());
        }

        try (Model model = Models.open(file)) {
            Preset p = Preset.TINY;
            assertThat(model.info()).isEqualTo(new ModelInfo("qwen2", "Synthetic tiny", p.vocabularySize(),
                    p.contextLength(), p.dim(), p.layers(), p.heads(), p.kvHeads(), p.headDim(), p.ffnDim()));
            KvCache cache = model.newCache(64, KvPrecision.F16);
            int[] prompt = model.tokenizer().encode("<|im_start|>user\nThe quick brown fox<|im_end|>",
                    SpecialTokenMode.ALL);
            float[] logits = model.forward(cache, prompt);
            for (int step = 0; step < 4; step++) {
                assertSane(logits, type + " step " + step);
                logits = model.forward(cache, argmax(logits));
            }
            assertSane(logits, type + " last step");
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesOnAnyNumberOfThreadsAndAnotherSeedOtherWeights() throws IOException {
        SynthPlan plan = SyntheticModels.plan(Preset.TINY, SynthType.Q4_K_M);
        Path one = SyntheticModels.write(plan, 7, dir.resolve("one.gguf"), 1).file();
        Path two = SyntheticModels.write(plan, 7, dir.resolve("two.gguf"), 2).file();
        Path other = SyntheticModels.write(plan, 8, dir.resolve("other.gguf"), 2).file();
        assertThat(Files.readAllBytes(two)).isEqualTo(Files.readAllBytes(one));
        assertThat(Files.size(other)).isEqualTo(Files.size(one));
        try (GgufFile a = GgufFile.open(one); GgufFile b = GgufFile.open(other)) {
            for (GgufTensorInfo t : a.tensors()) {
                boolean random = !t.name().equals("rope_freqs.weight");
                if (random) {
                    assertThat(a.data(t).mismatch(b.data(b.tensor(t.name()).orElseThrow()))).as(t.name())
                            .isNotEqualTo(-1L);
                }
            }
        }
    }

    @Test
    void weightsHaveTheirStatedScale() throws IOException {
        Path file = SyntheticModels.write(Preset.TINY, SynthType.F16, 3, dir.resolve("tiny.gguf")).file();
        try (GgufFile gguf = GgufFile.open(file)) {
            Preset p = Preset.TINY;
            assertThat(rms(gguf, "blk.0.attn_q.weight")).isCloseTo(1 / Math.sqrt(p.dim()), within(0.02));
            assertThat(rms(gguf, "blk.3.ffn_down.weight"))
                    .isCloseTo(1 / Math.sqrt(p.ffnDim()) / Math.sqrt(2 * p.layers()), within(0.02));
            assertThat(rms(gguf, "token_embd.weight")).isCloseTo(2 / Math.sqrt(p.dim()), within(0.02));
            assertThat(mean(gguf, "output_norm.weight")).isCloseTo(1, within(0.01));
            assertThat(mean(gguf, "blk.1.attn_k.bias")).isCloseTo(0, within(0.01));
        }
    }

    private static float[] values(GgufFile gguf, String name) {
        GgufTensorInfo info = gguf.tensor(name).orElseThrow();
        Tensor tensor = new Tensor(name, info.type(), info.shape(), gguf.data(info));
        float[] out = new float[Math.toIntExact(info.shape().elementCount())];
        for (int r = 0; r < tensor.rows(); r++) {
            tensor.dequantizeRow(r, out, r * tensor.cols());
        }
        return out;
    }

    private static double rms(GgufFile gguf, String name) {
        float[] v = values(gguf, name);
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum / v.length);
    }

    private static double mean(GgufFile gguf, String name) {
        float[] v = values(gguf, name);
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static void assertSane(float[] logits, String what) {
        double sum = 0;
        double squares = 0;
        for (float x : logits) {
            assertThat(Float.isFinite(x)).as(what).isTrue();
            sum += x;
            squares += (double) x * x;
        }
        double mean = sum / logits.length;
        double std = Math.sqrt(squares / logits.length - mean * mean);
        float max = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        // a trained model's logits spread over a few units, its top token some standard deviations out
        assertThat(std).as(what + " logit std").isBetween(0.5, 8.0);
        assertThat((max - mean) / std).as(what + " top logit in std").isBetween(2.0, 30.0);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
