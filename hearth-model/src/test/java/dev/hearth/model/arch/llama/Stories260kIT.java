package dev.hearth.model.arch.llama;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.generate.Generation;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.testdata.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden test against llama2.c: the stories260K checkpoint, converted to GGUF, generates greedily
 * exactly the story llama2.c's own test suite expects ({@code ../shared/testdata/stories260k}).
 */
class Stories260kIT {
    private static final int STEPS = 200;
    private static final int BOS = 1;

    @TempDir
    Path dir;

    @Test
    void greedyStoryMatchesLlama2cByteForByte() throws IOException {
        Path data = TestData.file("stories260k");
        Path gguf = Llama2cCheckpoint.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf"));
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
        Path gguf = Llama2cCheckpoint.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf"));
        String expected = Files.readString(data.resolve("expected.txt"), StandardCharsets.UTF_8);
        try (Model model = Models.open(gguf); KvCache cache = model.newCache(STEPS, KvPrecision.F16)) {
            StringBuilder streamed = new StringBuilder();
            // llama2.c prints one token per position: BOS and 199 generated tokens fill the cache,
            // the 200th is chosen from the last position's logits
            Generation story = Generator.greedy(model).generate(cache, new int[] {BOS}, STEPS, streamed::append);
            assertThat(story.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(streamed.toString()).isEqualTo(story.text()).isEqualTo(expected);
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

    /**
     * A minimal llama2.c → GGUF conversion from the format documented in the test data's README,
     * for this test only (the product converter is {@code hearth convert llama2c}).
     */
    static final class Llama2cCheckpoint {
        static Path convert(Path checkpoint, Path tokenizerFile, Path target) throws IOException {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(checkpoint)).order(ByteOrder.LITTLE_ENDIAN);
            int dim = in.getInt();
            int hidden = in.getInt();
            int layers = in.getInt();
            int heads = in.getInt();
            int kvHeads = in.getInt();
            int vocabField = in.getInt();
            int seqLen = in.getInt();
            int vocab = Math.abs(vocabField);
            int headSize = dim / heads;
            int kvDim = dim * kvHeads / heads;

            GgufWriter w = new GgufWriter();
            w.putString("general.architecture", "llama");
            w.putString("general.name", "stories260K");
            w.putUInt32("llama.context_length", seqLen);
            w.putUInt32("llama.embedding_length", dim);
            w.putUInt32("llama.block_count", layers);
            w.putUInt32("llama.feed_forward_length", hidden);
            w.putUInt32("llama.attention.head_count", heads);
            w.putUInt32("llama.attention.head_count_kv", kvHeads);
            w.putUInt32("llama.rope.dimension_count", headSize);
            w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
            vocabulary(w, tokenizerFile, vocab);

            float[] embedding = floats(in, vocab * dim);
            w.addTensor("token_embd.weight", GgmlType.F32, Shape.of(dim, vocab), segment(embedding));
            // per-layer arrays are stacked layer by layer, in this order
            String[] names = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm",
                    "ffn_gate", "ffn_down", "ffn_up"};
            long[][] shapes = {{dim}, {dim, dim}, {dim, kvDim}, {dim, kvDim}, {dim, dim}, {dim},
                    {dim, hidden}, {hidden, dim}, {dim, hidden}};
            for (int n = 0; n < names.length; n++) {
                for (int l = 0; l < layers; l++) {
                    Shape shape = Shape.of(shapes[n]);
                    float[] values = floats(in, Math.toIntExact(shape.elementCount()));
                    w.addTensor("blk." + l + "." + names[n] + ".weight", GgmlType.F32, shape, segment(values));
                }
            }
            w.addTensor("output_norm.weight", GgmlType.F32, Shape.of(dim), segment(floats(in, dim)));
            in.position(in.position() + 2 * 4 * seqLen * headSize / 2); // legacy RoPE tables
            if (vocabField < 0) {
                w.addTensor("output.weight", GgmlType.F32, Shape.of(dim, vocab), segment(floats(in, vocab * dim)));
            }
            w.write(target);
            return target;
        }

        private static void vocabulary(GgufWriter w, Path tokenizerFile, int vocab) throws IOException {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(tokenizerFile)).order(ByteOrder.LITTLE_ENDIAN);
            in.getInt(); // max_token_length
            List<String> tokens = new ArrayList<>();
            float[] scores = new float[vocab];
            int[] types = new int[vocab];
            for (int id = 0; id < vocab; id++) {
                scores[id] = in.getFloat();
                byte[] piece = new byte[in.getInt()];
                in.get(piece);
                String text = new String(piece, StandardCharsets.UTF_8);
                TokenType type = TokenType.NORMAL;
                if (id == 0) {
                    text = "<unk>";
                    type = TokenType.UNKNOWN;
                } else if (id == 1 || id == 2) {
                    text = id == 1 ? "<s>" : "</s>"; // stored as "\n<s>\n", "\n</s>\n"
                    type = TokenType.CONTROL;
                } else if (text.matches("<0x[0-9A-F]{2}>")) {
                    type = TokenType.BYTE;
                }
                tokens.add(text.replace(' ', '▁'));
                types[id] = type.id();
            }
            w.putString("tokenizer.ggml.model", "llama");
            w.putStringArray("tokenizer.ggml.tokens", tokens);
            w.putFloat32Array("tokenizer.ggml.scores", scores);
            w.putInt32Array("tokenizer.ggml.token_type", types);
            w.putUInt32("tokenizer.ggml.unknown_token_id", 0);
            w.putUInt32("tokenizer.ggml.bos_token_id", 1);
            w.putUInt32("tokenizer.ggml.eos_token_id", 2);
        }

        private static float[] floats(ByteBuffer in, int n) {
            float[] out = new float[n];
            in.asFloatBuffer().get(out);
            in.position(in.position() + 4 * n);
            return out;
        }

        private static MemorySegment segment(float[] values) {
            MemorySegment s = MemorySegment.ofArray(new byte[4 * values.length]);
            for (int i = 0; i < values.length; i++) {
                s.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, values[i]);
            }
            return s;
        }
    }
}
