package dev.hearth.model.arch.llama;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.generate.Generation;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.compute.spi.Backend;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.testdata.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden test against llama2.c: the stories260K checkpoint, converted to GGUF by
 * {@link Llama2cConverter}, generates greedily exactly the story llama2.c's own test suite expects
 * ({@code ../shared/testdata/stories260k}).
 */
class Stories260kIT {
    private static final int STEPS = 200;
    private static final int BOS = 1;

    @TempDir
    Path dir;

    @Test
    void greedyStoryMatchesLlama2cByteForByte() throws IOException {
        Path data = TestData.file("stories260k");
        Path gguf = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        String expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);

        try (Model model = Models.open(gguf); KvCache cache = model.newCache(STEPS, KvPrecision.F32)) {
            Tokenizer tokenizer = model.tokenizer();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // llama2.c: BOS at position 0, then argmax at each of positions 0 .. STEPS-1; stop at BOS
            int token = BOS;
            for (int pos = 0; pos < STEPS; pos++) {
                float[] logits = model.forward(cache, token);
                int next = argmax(logits);
                if (next == BOS) {
                    break;
                }
                printPiece(out, tokenizer.tokenBytes(next, token == BOS, false));
                token = next;
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    @Test
    void streamingGeneratorTellsTheSameStory() throws IOException {
        Path data = TestData.file("stories260k");
        Path gguf = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        String expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);
        try (Model model = Models.open(gguf); KvCache cache = model.newCache(STEPS, KvPrecision.F16)) {
            StringBuilder streamed = new StringBuilder();
            // llama2.c prints one token per position: BOS and 199 generated tokens fill the cache,
            // the 200th is chosen from the last position's logits
            Generation story = Generator.of(model).generate(cache, new int[] {BOS}, GenerationParams.greedy(STEPS), streamed::append);
            assertThat(story.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(streamed.toString()).isEqualTo(story.text()).isEqualTo(expected);
        }
    }

    @Test
    void vectorizedParallelKernelsTellTheSameStory() throws IOException {
        Path data = TestData.file("stories260k");
        Path gguf = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        String expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);
        try (Backend backend = Backend.cpu(2);
             Model model = Models.open(gguf, ModelOptions.defaults().withKernels(backend.kernels()));
             KvCache cache = model.newCache(STEPS, KvPrecision.F16)) {
            Generation story = Generator.of(model).generate(cache, new int[] {BOS}, GenerationParams.greedy(STEPS), text -> { });
            assertThat(story.text()).isEqualTo(expected);
        }
    }

    @Test
    void storyContinuesTheSameWhenItsStartRunsAsOnePrompt() throws IOException {
        Path data = TestData.file("stories260k");
        Path gguf = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
        try (Model model = Models.open(gguf);
             KvCache decoded = model.newCache(STEPS, KvPrecision.F32);
             KvCache prompted = model.newCache(STEPS, KvPrecision.F32)) {
            int[] story = Generator.of(model).generate(decoded, new int[] {BOS}, GenerationParams.greedy(120), text -> { }).tokens();
            // BOS and the first 70 tokens as one prompt (matrix-matrix, in batches), then decoding
            int[] prompt = new int[71];
            prompt[0] = BOS;
            System.arraycopy(story, 0, prompt, 1, 70);
            int[] rest = Generator.of(model).generate(prompted, prompt, GenerationParams.greedy(50), text -> { }).tokens();
            assertThat(rest).containsExactly(java.util.Arrays.copyOfRange(story, 70, 120));
        }
    }

    /** As llama2.c's safe_printf: a single byte that is neither printable nor whitespace is dropped. */
    private static void printPiece(ByteArrayOutputStream out, byte[] piece) {
        if (piece.length == 1) {
            int b = piece[0] & 0xFF;
            boolean printable = b >= 0x20 && b < 0x7F;
            boolean space = b == ' ' || (b >= '\t' && b <= '\r');
            if (!printable && !space) {
                return;
            }
        }
        out.writeBytes(piece);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
