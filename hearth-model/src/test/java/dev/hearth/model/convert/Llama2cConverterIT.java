package dev.hearth.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.tokenizer.SentencePieceTokenizer;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.testdata.TestData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Converts stories260K (dim 64, hidden 172, 5 layers, 8 heads, 4 KV heads, 512 tokens, context
 * 512) and checks the GGUF against the byte offsets in ../shared/testdata/stories260k/README.md and
 * against llama2.c's own encoding algorithm.
 */
class Llama2cConverterIT {
    @TempDir
    Path dir;

    private Path checkpoint;
    private Path tokenizer;

    @BeforeEach
    void locateTestData() {
        checkpoint = TestData.file("stories260k/stories260K.bin");
        tokenizer = TestData.file("stories260k/tok512.bin");
    }

    /** A tensor the GGUF must hold, and where its bytes start in stories260K.bin (README table). */
    private record Expected(String name, Shape shape, long sourceOffset) {}

    private static List<Expected> expectedTensors() {
        List<Expected> list = new ArrayList<>();
        list.add(new Expected("token_embd.weight", Shape.of(64, 512), 28));
        for (int l = 0; l < 5; l++) {
            String blk = "blk." + l + ".";
            list.add(new Expected(blk + "attn_norm.weight", Shape.of(64), 131_100 + 256L * l));
            list.add(new Expected(blk + "attn_q.weight", Shape.of(64, 64), 132_380 + 16_384L * l));
            list.add(new Expected(blk + "attn_k.weight", Shape.of(64, 32), 214_300 + 8_192L * l));
            list.add(new Expected(blk + "attn_v.weight", Shape.of(64, 32), 255_260 + 8_192L * l));
            list.add(new Expected(blk + "attn_output.weight", Shape.of(64, 64), 296_220 + 16_384L * l));
            list.add(new Expected(blk + "ffn_norm.weight", Shape.of(64), 378_140 + 256L * l));
            list.add(new Expected(blk + "ffn_gate.weight", Shape.of(64, 172), 379_420 + 44_032L * l));
            list.add(new Expected(blk + "ffn_down.weight", Shape.of(172, 64), 599_580 + 44_032L * l));
            list.add(new Expected(blk + "ffn_up.weight", Shape.of(64, 172), 819_740 + 44_032L * l));
        }
        list.add(new Expected("output_norm.weight", Shape.of(64), 1_039_900));
        return list;
    }

    private Path convert() throws IOException {
        Path out = dir.resolve("stories260K.gguf");
        Llama2cConverter.convert(checkpoint, tokenizer, out);
        return out;
    }

    @Test
    void summarisesWhatItWrote() throws IOException {
        Path out = dir.resolve("out.gguf");
        ConvertedModel converted = Llama2cConverter.convert(checkpoint, tokenizer, out);
        long weights = expectedTensors().stream().mapToLong(e -> e.shape().elementCount()).sum();
        assertThat(converted).isEqualTo(new ConvertedModel(out, 47, weights, Files.size(out)));
        assertThat(weights).isEqualTo(264_128 - 2 * 2_048); // every float of the file but the RoPE tables
    }

    @Test
    void writesLlamaHyperparametersAndTokenizerMetadata() throws IOException {
        try (GgufFile gguf = GgufFile.open(convert())) {
            GgufMetadata md = gguf.metadata();
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getString("general.name")).isEqualTo("stories260K");
            Map<String, Long> uint32s = Map.ofEntries(
                    Map.entry("general.file_type", 0L),
                    Map.entry("llama.context_length", 512L),
                    Map.entry("llama.embedding_length", 64L),
                    Map.entry("llama.feed_forward_length", 172L),
                    Map.entry("llama.block_count", 5L),
                    Map.entry("llama.attention.head_count", 8L),
                    Map.entry("llama.attention.head_count_kv", 4L),
                    Map.entry("llama.rope.dimension_count", 8L),
                    Map.entry("tokenizer.ggml.bos_token_id", 1L),
                    Map.entry("tokenizer.ggml.eos_token_id", 2L),
                    Map.entry("tokenizer.ggml.unknown_token_id", 0L));
            uint32s.forEach((key, value) ->
                    assertThat(md.get(key)).as(key).contains(new GgufValue.Int(GgufValueType.UINT32, value)));
            assertThat(md.get("llama.rope.freq_base")).contains(new GgufValue.Float32(10000f));
            assertThat(md.get("llama.attention.layer_norm_rms_epsilon")).contains(new GgufValue.Float32(1e-5f));
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(md.getString("tokenizer.ggml.pre")).isEqualTo("default");
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
            assertThat(md.getBoolean("tokenizer.ggml.add_eos_token")).isFalse();
        }
    }

    @Test
    void writesTheVocabularyInSentencePieceConventions() throws IOException {
        try (GgufFile gguf = GgufFile.open(convert())) {
            GgufMetadata md = gguf.metadata();
            List<String> tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            assertThat(tokens).hasSize(512);
            assertThat(tokens.subList(0, 4)).containsExactly("<unk>", "<s>", "</s>", "<0x00>");
            assertThat(tokens.get(258)).isEqualTo("<0xFF>");
            assertThat(tokens.get(259)).isEqualTo("▁t");
            assertThat(tokens.get(265)).isEqualTo("▁the");
            assertThat(tokens).noneMatch(t -> t.contains(" "));
            assertThat(Arrays.copyOfRange(types, 0, 4)).containsExactly(
                    TokenType.UNKNOWN.id(), TokenType.CONTROL.id(), TokenType.CONTROL.id(), TokenType.BYTE.id());
            assertThat(Arrays.stream(types, 3, 259)).allMatch(t -> t == TokenType.BYTE.id());
            assertThat(Arrays.stream(types, 259, 512)).allMatch(t -> t == TokenType.NORMAL.id());
            assertThat(scores[259]).isEqualTo(0f);
            assertThat(scores[260]).isEqualTo(-1f);
            assertThat(scores[511]).isEqualTo(-252f);
        }
    }

    @Test
    void writesEveryTensorWithLlamaCppNamesAndShapesAsFloat32() throws IOException {
        try (GgufFile gguf = GgufFile.open(convert())) {
            List<Expected> expected = expectedTensors();
            assertThat(gguf.tensors()).extracting(GgufTensorInfo::name)
                    .containsExactlyElementsOf(expected.stream().map(Expected::name).toList());
            for (Expected e : expected) {
                GgufTensorInfo t = gguf.tensor(e.name()).orElseThrow();
                assertThat(t.shape()).as(e.name()).isEqualTo(e.shape());
                assertThat(t.type()).as(e.name()).isEqualTo(GgmlType.F32);
            }
            assertThat(gguf.tensor("output.weight")).as("shared classifier: llama.cpp ties output to token_embd").isEmpty();
        }
    }

    @Test
    void everyTensorHoldsExactlyTheCheckpointsBytes() throws IOException {
        byte[] source = Files.readAllBytes(checkpoint);
        try (GgufFile gguf = GgufFile.open(convert())) {
            for (Expected e : expectedTensors()) {
                GgufTensorInfo t = gguf.tensor(e.name()).orElseThrow();
                byte[] written = gguf.data(t).toArray(ValueLayout.JAVA_BYTE);
                int from = Math.toIntExact(e.sourceOffset());
                assertThat(written).as(e.name())
                        .isEqualTo(Arrays.copyOfRange(source, from, from + Math.toIntExact(t.byteSize())));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Once upon a time", "Lily saw a big, red ball. She said: \"Wow!\"", "a dog 🐶 and  two\tspaces"})
    void vocabularyEncodesAsLlama2cDoesAndDecodesBack(String text) throws IOException {
        try (GgufFile gguf = GgufFile.open(convert())) {
            Tokenizer fromGguf = SentencePieceTokenizer.fromGguf(gguf.metadata());
            int[] ids = fromGguf.encode(text);
            assertThat(ids).containsExactly(llama2cEncode(Files.readAllBytes(tokenizer), 512, text));
            assertThat(fromGguf.decode(ids)).isEqualTo(text);
        }
    }

    @Test
    void onceUponATimeIsFourMergedPieces() throws IOException {
        // pinned so a bug shared by both encoders above cannot hide: " Once", " upon", " a", " time"
        int[] ids = llama2cEncode(Files.readAllBytes(tokenizer), 512, "Once upon a time");
        try (GgufFile gguf = GgufFile.open(convert())) {
            List<String> tokens = gguf.metadata().getStringArray("tokenizer.ggml.tokens");
            assertThat(Arrays.stream(ids).mapToObj(tokens::get)).containsExactly("▁Once", "▁upon", "▁a", "▁time");
        }
    }

    @Test
    void version1CheckpointConvertsToTheSameFile() throws IOException {
        byte[] legacy = Files.readAllBytes(checkpoint);
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x616b3432).putInt(1).putInt(64).putInt(172).putInt(5).putInt(8).putInt(4).putInt(512).putInt(512);
        header.put((byte) 1);
        v1.writeBytes(header.array());
        // version 1 order: both norm stacks, final norm, embeddings, then wq..wo and w1..w3 as in legacy
        v1.write(legacy, 131_100, 1_280);
        v1.write(legacy, 378_140, 1_280);
        v1.write(legacy, 1_039_900, 256);
        v1.write(legacy, 28, 131_072);
        v1.write(legacy, 132_380, 378_140 - 132_380);
        v1.write(legacy, 379_420, 1_039_900 - 379_420);
        Path v1File = Files.write(Files.createDirectory(dir.resolve("v1")).resolve("stories260K.bin"), v1.toByteArray());

        Path fromLegacy = convert();
        Path fromV1 = Llama2cConverter.convert(v1File, tokenizer, dir.resolve("v1.gguf")).file();
        assertThat(Files.readAllBytes(fromV1)).isEqualTo(Files.readAllBytes(fromLegacy));
    }

    @Test
    void truncatedCheckpointIsRejectedAndNothingIsWritten() throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        Path truncated = Files.write(dir.resolve("stories260K.bin"), Arrays.copyOf(bytes, 600_000));
        Path out = dir.resolve("out.gguf");
        assertThatThrownBy(() -> Llama2cConverter.convert(truncated, tokenizer, out))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessage(truncated + ": at byte 599580, w2: the header (dim=64, hidden_dim=172, n_layers=5, n_heads=8,"
                        + " n_kv_heads=4, vocab_size=512, seq_len=512, shared classifier) declares a file of 1056540"
                        + " bytes, but it has 600000 and ends inside w2 (truncated file?)");
        assertThat(out).doesNotExist();
    }

    @Test
    void tokenizerOfAnotherSizeIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(tokenizer);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int end = 4;
        for (int id = 0; id < 500; id++) {
            end += 8 + b.getInt(end + 4);
        }
        Path short500 = Files.write(dir.resolve("tok500.bin"), Arrays.copyOf(bytes, end));
        assertThatThrownBy(() -> Llama2cConverter.convert(checkpoint, short500, dir.resolve("out.gguf")))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessage(short500 + ": vocabulary: holds 500 tokens, but stories260K.bin has vocab_size 512"
                        + " (a tokenizer for a different model?)");
    }

    /**
     * llama2.c's {@code encode} (run.c), written from the README's description and independent of
     * Hearth's tokenizer: the dummy-prefix piece {@code " "}, then one piece per code point (its
     * UTF-8 bytes as ids byte + 3 when it has none), then repeatedly merge the adjacent pair whose
     * concatenated piece exists with the highest score, leftmost on ties. No BOS.
     */
    private static int[] llama2cEncode(byte[] tokFile, int vocabSize, String text) {
        ByteBuffer b = ByteBuffer.wrap(tokFile).order(ByteOrder.LITTLE_ENDIAN);
        b.getInt(); // max_token_length
        String[] pieces = new String[vocabSize];
        float[] scores = new float[vocabSize];
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < vocabSize; id++) {
            scores[id] = b.getFloat();
            byte[] piece = new byte[b.getInt()];
            b.get(piece);
            pieces[id] = new String(piece, StandardCharsets.UTF_8);
            ids.putIfAbsent(pieces[id], id);
        }
        List<Integer> tokens = new ArrayList<>();
        if (!text.isEmpty()) {
            tokens.add(ids.get(" "));
        }
        text.codePoints().forEach(cp -> {
            String ch = Character.toString(cp);
            Integer id = ids.get(ch);
            if (id != null) {
                tokens.add(id);
            } else {
                for (byte x : ch.getBytes(StandardCharsets.UTF_8)) {
                    tokens.add((x & 0xFF) + 3);
                }
            }
        });
        while (true) {
            float bestScore = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestAt = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Integer merged = ids.get(pieces[tokens.get(i)] + pieces[tokens.get(i + 1)]);
                if (merged != null && scores[merged] > bestScore) {
                    bestScore = scores[merged];
                    bestId = merged;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            tokens.set(bestAt, bestId);
            tokens.remove(bestAt + 1);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
