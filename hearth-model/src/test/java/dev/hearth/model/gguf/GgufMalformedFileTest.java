package dev.hearth.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.compute.tensor.GgmlType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of broken file ends in a GgufFormatException that names the field, the offset and the expectation. */
class GgufMalformedFileTest {
    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> opening(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("bad.gguf"), bytes);
        return assertThatThrownBy(() -> {
            try (GgufFile ignored = GgufFile.open(file)) {
                // opening is enough
            }
        }).isInstanceOf(GgufFormatException.class).hasMessageStartingWith(file.toString() + ": ");
    }

    @Test
    void emptyFileIsTruncatedAtTheMagic() throws IOException {
        opening(new byte[0]).hasMessageContaining("magic").hasMessageContaining("truncated");
    }

    @Test
    void wrongMagicSaysItIsNotGguf() throws IOException {
        opening("PK\3\4 this is a zip file".getBytes()).hasMessageContaining("at byte 0, magic")
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void versionOneAndUnknownVersionsAreRefusedByNumber() throws IOException {
        opening(new GgufBytes().header(1, 0, 0).toArray()).hasMessageContaining("version 1 is not supported");
        opening(new GgufBytes().header(7, 0, 0).toArray()).hasMessageContaining("at byte 4, version")
                .hasMessageContaining("unknown version 7 (expected 2 or 3)");
        opening(new GgufBytes().header(0x03000000, 0, 0).toArray()).hasMessageContaining("big-endian");
    }

    @Test
    void absurdTensorCountIsRefusedBeforeAllocating() throws IOException {
        opening(new GgufBytes().header(3, 1L << 40, 0).toArray()).hasMessageContaining("at byte 8, tensor count")
                .hasMessageContaining("1099511627776 entries cannot fit");
    }

    @Test
    void absurdMetadataCountIsRefused() throws IOException {
        opening(new GgufBytes().header(3, 0, -1L).toArray()).hasMessageContaining("metadata count")
                .hasMessageContaining("18446744073709551615 entries cannot fit");
    }

    @Test
    void absurdStringLengthIsRefusedBeforeAllocating() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).u64(1L << 60).zeros(16).toArray();
        opening(bytes).hasMessageContaining("at byte 24, metadata key #0")
                .hasMessageContaining("string length 1152921504606846976 exceeds the 16 bytes left");
    }

    @Test
    void absurdArrayLengthIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("tokenizer.ggml.tokens")
                .u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(1L << 50).toArray();
        opening(bytes).hasMessageContaining("metadata 'tokenizer.ggml.tokens' length")
                .hasMessageContaining("cannot fit");
    }

    @Test
    void aStringInAnArrayLongerThanTheFileIsNamedByItsIndex() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("tokenizer.ggml.tokens")
                .u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(3)
                .string("a").string("bc").u64(1000).zeros(4).toArray();
        // header 24, key 8 + 21, types 8, count 8, "a" 9, "bc" 10: the third length is at byte 88
        opening(bytes).hasMessageContaining("at byte 88, metadata 'tokenizer.ggml.tokens'[2]")
                .hasMessageContaining("string length 1000 exceeds the 4 bytes left");
    }

    @Test
    void aNumberArrayCutShortIsRefusedBeforeCopying() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("tokenizer.ggml.token_type")
                .u32(GgufValueType.ARRAY.id()).u32(GgufValueType.INT32.id()).u64(5).u32(1).u32(1).toArray();
        opening(bytes).hasMessageContaining("metadata 'tokenizer.ggml.token_type' length")
                .hasMessageContaining("5 entries cannot fit in the 8 bytes left");
    }

    @Test
    void truncatedMetadataValueNamesTheKey() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("llama.context_length")
                .u32(GgufValueType.UINT64.id()).u32(7).toArray();
        opening(bytes).hasMessageContaining("metadata 'llama.context_length'").hasMessageContaining("truncated");
    }

    @Test
    void unknownValueTypeIsNamed() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("x").u32(13).toArray();
        opening(bytes).hasMessageContaining("metadata 'x' type").hasMessageContaining("unknown value type 13");
    }

    @Test
    void boolOtherThanZeroOrOneIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 1).string("flag").u32(GgufValueType.BOOL.id()).u8(2).toArray();
        opening(bytes).hasMessageContaining("expected a bool (0 or 1), found 2");
    }

    @Test
    void duplicateKeyIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 0, 2).kvU32("a", 1).kvU32("a", 2).toArray();
        opening(bytes).hasMessageContaining("metadata 'a'").hasMessageContaining("duplicate key");
    }

    @Test
    void deeplyNestedArraysAreRefusedWithoutStackOverflow() throws IOException {
        GgufBytes b = new GgufBytes().header(3, 0, 1).string("deep").u32(GgufValueType.ARRAY.id());
        for (int i = 0; i < 10_000; i++) {
            b.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        opening(b.toArray()).hasMessageContaining("nested more than");
    }

    @Test
    void badAlignmentIsRefused() throws IOException {
        opening(new GgufBytes().header(3, 0, 1).kvU32("general.alignment", 48).toArray())
                .hasMessageContaining("general.alignment").hasMessageContaining("power of two");
    }

    @Test
    void unknownTensorTypeIsNamed() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("blk.0.attn_q.weight", 99, 0, 32).padTo(32).zeros(256).toArray();
        opening(bytes).hasMessageContaining("tensor 'blk.0.attn_q.weight' type").hasMessageContaining("unknown tensor type 99");
    }

    @Test
    void tooManyDimensionsAreRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("t", 0, 0, 1, 1, 1, 1, 1).toArray();
        opening(bytes).hasMessageContaining("tensor 't' dimension count").hasMessageContaining("expected 1..4, found 5");
    }

    @Test
    void dimensionProductThatOverflowsIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("t", 0, 0, 1L << 32, 1L << 32).toArray();
        opening(bytes).hasMessageContaining("tensor 't' shape").hasMessageContaining("overflows 64 bits");
        byte[] negative = new GgufBytes().header(3, 1, 0).tensor("t", 0, 0, -5).toArray();
        opening(negative).hasMessageContaining("tensor 't' dimension 0");
    }

    @Test
    void rowThatIsNotWholeBlocksIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("t", GgmlType.Q4_0.id(), 0, 33).padTo(32).zeros(64).toArray();
        opening(bytes).hasMessageContaining("row length 33 is not a multiple of Q4_0's block size 32");
    }

    @Test
    void misalignedTensorIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("t", GgmlType.F32.id(), 4, 4).padTo(32).zeros(64).toArray();
        opening(bytes).hasMessageContaining("tensor 't' offset").hasMessageContaining("not a multiple of the alignment 32");
    }

    @Test
    void tensorDataPastTheEndIsRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 1, 0).tensor("t", GgmlType.F32.id(), 0, 64).padTo(32).zeros(100).toArray();
        opening(bytes).hasMessageContaining("tensor 't'").hasMessageContaining("runs past the end of the file");
    }

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 2, 0)
                .tensor("a", GgmlType.F32.id(), 0, 16)
                .tensor("b", GgmlType.F32.id(), 32, 16)
                .padTo(32).zeros(128).toArray();
        opening(bytes).hasMessageContaining("tensor 'b'").hasMessageContaining("overlaps tensor 'a'");
    }

    @Test
    void duplicateTensorNamesAreRefused() throws IOException {
        byte[] bytes = new GgufBytes().header(3, 2, 0)
                .tensor("a", GgmlType.F32.id(), 0, 8).tensor("a", GgmlType.F32.id(), 32, 8)
                .padTo(32).zeros(64).toArray();
        opening(bytes).hasMessageContaining("duplicate tensor name");
    }

    @Test
    void everyTruncationOfAValidFileFailsCleanly() throws IOException {
        GgufWriter w = GgufRoundTripTest.everyValueType();
        w.addTensor("t", GgmlType.Q4_K, dev.hearth.compute.tensor.Shape.of(256, 2), java.lang.foreign.MemorySegment.ofArray(new byte[288]));
        Path full = dir.resolve("full.gguf");
        w.write(full);
        byte[] bytes = Files.readAllBytes(full);
        for (int cut = 0; cut < bytes.length; cut++) {
            Path file = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> GgufFile.open(file).close())
                    .as("file cut at %d of %d bytes", cut, bytes.length)
                    .isInstanceOf(GgufFormatException.class);
        }
    }

    @Test
    void metadataGettersNameTheKeyAndTheTypes() throws IOException {
        Path file = dir.resolve("ok.gguf");
        new GgufWriter().putUInt32("llama.context_length", 4096).putString("general.name", "x").write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertThatThrownBy(() -> md.getString("llama.context_length"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessage(file + ": at byte 24, llama.context_length: expected string, found uint32");
            assertThatThrownBy(() -> md.getLong("general.architecture"))
                    .hasMessage(file + ": general.architecture: required key is missing (expected an integer)");
            assertThat(md.findLong("missing")).isEmpty();
        }
    }
}
