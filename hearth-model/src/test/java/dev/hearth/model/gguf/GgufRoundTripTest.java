package dev.hearth.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    static GgufWriter everyValueType() {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.put("u8", new GgufValue.Int(GgufValueType.UINT8, 255));
        w.put("i8", new GgufValue.Int(GgufValueType.INT8, -128));
        w.put("u16", new GgufValue.Int(GgufValueType.UINT16, 65535));
        w.put("i16", new GgufValue.Int(GgufValueType.INT16, -32768));
        w.put("u32", new GgufValue.Int(GgufValueType.UINT32, 0xFFFF_FFFFL));
        w.put("i32", new GgufValue.Int(GgufValueType.INT32, Integer.MIN_VALUE));
        w.put("u64", new GgufValue.Int(GgufValueType.UINT64, -1L)); // 2^64 - 1
        w.put("i64", new GgufValue.Int(GgufValueType.INT64, Long.MIN_VALUE));
        w.putFloat32("f32", -1.5e-7f);
        w.put("f64", new GgufValue.Float64(Math.PI));
        w.put("f32.nan", new GgufValue.Float32(Float.intBitsToFloat(0x7fc00001)));
        w.putBool("bool.true", true);
        w.putBool("bool.false", false);
        w.putString("string.chinese", "你好，世界 🌍");
        w.put("string.invalid_utf8", new GgufValue.Str(new byte[] {(byte) 0xE4, (byte) 0xBD, 'x', (byte) 0xFF}));
        w.putString("string.empty", "");
        w.putStringArray("array.strings", List.of("a", "", "▁the", "<0x0A>"));
        w.putFloat32Array("array.f32", new float[] {0f, -0f, 1f, Float.MAX_VALUE});
        w.putInt32Array("array.i32", new int[] {1, -2, 3});
        w.put("array.empty", new GgufValue.Array(GgufValueType.UINT8, List.of()));
        w.put("array.bool", new GgufValue.Array(GgufValueType.BOOL, List.of(new GgufValue.Bool(true), new GgufValue.Bool(false))));
        w.put("array.u64", new GgufValue.Array(GgufValueType.UINT64, List.of(new GgufValue.Int(GgufValueType.UINT64, 1L << 40))));
        w.put("array.f64", new GgufValue.Array(GgufValueType.FLOAT64, List.of(new GgufValue.Float64(-2.5))));
        GgufValue inner1 = new GgufValue.Array(GgufValueType.INT16, List.of(new GgufValue.Int(GgufValueType.INT16, 7)));
        GgufValue inner2 = new GgufValue.Array(GgufValueType.INT16, List.of());
        w.put("array.of_arrays", new GgufValue.Array(GgufValueType.ARRAY, List.of(inner1, inner2)));
        GgufValue deeper = new GgufValue.Array(GgufValueType.ARRAY, List.of(
                new GgufValue.Array(GgufValueType.STRING, List.of(GgufValue.Str.of("x")))));
        w.put("array.of_arrays_of_arrays", new GgufValue.Array(GgufValueType.ARRAY, List.of(deeper)));
        return w;
    }

    /**
     * A file's arrays of strings and numbers are read packed (one byte array each); every way of
     * reading them gives what the file holds: the typed getters, the elements one by one, and
     * equality with the same array built from a list.
     */
    @Test
    void packedArraysReadAsTheirValues() throws IOException {
        GgufWriter w = new GgufWriter();
        byte[] invalid = {(byte) 0xE4, (byte) 0xBD, 'x', (byte) 0xFF};
        List<GgufValue> strings = List.of(GgufValue.Str.of("▁the"), GgufValue.Str.of(""), new GgufValue.Str(invalid),
                GgufValue.Str.of("你好"));
        w.put("strings", new GgufValue.Array(GgufValueType.STRING, strings));
        List<GgufValue> u8 = List.of(new GgufValue.Int(GgufValueType.UINT8, 0), new GgufValue.Int(GgufValueType.UINT8, 255));
        w.put("u8", new GgufValue.Array(GgufValueType.UINT8, u8));
        w.put("i16", new GgufValue.Array(GgufValueType.INT16, List.of(new GgufValue.Int(GgufValueType.INT16, -32768))));
        w.put("u32", new GgufValue.Array(GgufValueType.UINT32, List.of(new GgufValue.Int(GgufValueType.UINT32, 0xFFFF_FFFFL))));
        w.put("i64", new GgufValue.Array(GgufValueType.INT64, List.of(new GgufValue.Int(GgufValueType.INT64, -7))));
        w.put("f64", new GgufValue.Array(GgufValueType.FLOAT64, List.of(new GgufValue.Float64(0.1))));
        w.putFloat32Array("f32", new float[] {Float.intBitsToFloat(0x7fc00001), -0f, 3.5f});
        Path file = dir.resolve("arrays.gguf");
        w.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertThat(md.getStringArray("strings")).containsExactly("▁the", "", new String(invalid, java.nio.charset.StandardCharsets.UTF_8), "你好");
            assertThat(md.getArray("strings").elements()).isEqualTo(strings);
            assertThat(new GgufValue.Array(GgufValueType.STRING, strings)).isEqualTo(md.getArray("strings"));
            assertThat(((GgufValue.Str) md.getArray("strings").elements().get(2)).utf8()).isEqualTo(invalid);
            assertThat(md.getIntArray("u8")).containsExactly(0, 255);
            assertThat(md.getArray("u8").elements()).isEqualTo(u8);
            assertThat(md.getIntArray("i16")).containsExactly(-32768);
            assertThat(md.getIntArray("i64")).containsExactly(-7);
            assertThatThrownBy(() -> md.getIntArray("u32")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("u32[0]").hasMessageContaining("4294967295 does not fit");
            assertThat(md.getFloatArray("f64")).containsExactly(0.1f);
            float[] f32 = md.getFloatArray("f32");
            assertThat(Float.floatToRawIntBits(f32[0])).isEqualTo(0x7fc00001);
            assertThat(Float.floatToRawIntBits(f32[1])).isEqualTo(Float.floatToRawIntBits(-0f));
            assertThat(((GgufValue.Float32) md.getArray("f32").elements().get(2)).value()).isEqualTo(3.5f);
            assertThatThrownBy(() -> md.getArray("f32").elements().get(3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> md.getArray("strings").elements().set(0, GgufValue.Str.of("x")))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void everyValueTypeSurvivesWriteAndRead() throws IOException {
        GgufWriter w = everyValueType();
        Path file = dir.resolve("values.gguf");
        w.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getLong("u8")).isEqualTo(255);
            assertThat(md.getLong("i8")).isEqualTo(-128);
            assertThat(md.getLong("u16")).isEqualTo(65535);
            assertThat(md.getLong("i16")).isEqualTo(-32768);
            assertThat(md.getLong("u32")).isEqualTo(0xFFFF_FFFFL);
            assertThat(md.getInt("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(md.get("u64").orElseThrow().toString()).isEqualTo("18446744073709551615");
            assertThat(md.getLong("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat((float) md.getDouble("f32")).isEqualTo(-1.5e-7f);
            assertThat(md.getDouble("f64")).isEqualTo(Math.PI);
            assertThat(Float.floatToRawIntBits(((GgufValue.Float32) md.get("f32.nan").orElseThrow()).value())).isEqualTo(0x7fc00001);
            assertThat(md.getBoolean("bool.true")).isTrue();
            assertThat(md.getBoolean("bool.false")).isFalse();
            assertThat(md.getString("string.chinese")).isEqualTo("你好，世界 🌍");
            assertThat(((GgufValue.Str) md.get("string.invalid_utf8").orElseThrow()).utf8())
                    .containsExactly((byte) 0xE4, (byte) 0xBD, 'x', (byte) 0xFF);
            assertThat(md.getStringArray("array.strings")).containsExactly("a", "", "▁the", "<0x0A>");
            assertThat(md.getFloatArray("array.f32")).containsExactly(0f, -0f, 1f, Float.MAX_VALUE);
            assertThat(md.getIntArray("array.i32")).containsExactly(1, -2, 3);
            assertThat(md.getArray("array.of_arrays").elements()).hasSize(2);
            assertThat(md.asMap()).isEqualTo(w.metadata().asMap());
            assertThat(List.copyOf(md.keys())).isEqualTo(List.copyOf(w.metadata().keys()));
        }
    }

    @Test
    void everyTensorTypeSurvivesWriteAndReadByteForByte() throws IOException {
        Random random = new Random(42);
        GgufWriter w = new GgufWriter().putString("general.architecture", "test");
        for (GgmlType type : GgmlType.values()) {
            Shape shape = Shape.of(type.blockSize() * 3L, 2);
            byte[] data = new byte[(int) type.byteSize(shape.elementCount())];
            random.nextBytes(data);
            w.addTensor("t." + type.name().toLowerCase(), type, shape, MemorySegment.ofArray(data));
        }
        Path file = dir.resolve("tensors.gguf");
        w.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensors()).hasSize(GgmlType.values().length);
            Random again = new Random(42);
            for (GgmlType type : GgmlType.values()) {
                GgufTensorInfo info = gguf.tensor("t." + type.name().toLowerCase()).orElseThrow();
                assertThat(info.type()).isEqualTo(type);
                assertThat(info.shape()).isEqualTo(Shape.of(type.blockSize() * 3L, 2));
                assertThat(info.offset() % gguf.alignment()).isZero();
                byte[] expected = new byte[(int) info.byteSize()];
                again.nextBytes(expected);
                assertThat(gguf.data(info).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
            }
            // reading and writing back reproduces the file exactly
            GgufWriter copy = new GgufWriter().putAll(gguf.metadata());
            for (GgufTensorInfo t : gguf.tensors()) {
                copy.addTensor(t.name(), t.type(), t.shape(), gguf.data(t));
            }
            Path second = dir.resolve("copy.gguf");
            copy.write(second);
            assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void producedTensorsAreWrittenByteForByteAsTheSameBytesGivenWhole() throws IOException {
        // 5 rows of 2 MiB: the writer asks for whole rows in more than one block, in order
        Shape wide = Shape.of(1 << 19, 5);
        Shape vector = Shape.of(5);
        byte[] wideBytes = new byte[(int) GgmlType.F32.byteSize(wide.elementCount())];
        byte[] vectorBytes = new byte[20];
        new Random(7).nextBytes(wideBytes);
        new Random(8).nextBytes(vectorBytes);

        Path given = dir.resolve("given.gguf");
        new GgufWriter().putString("general.architecture", "test")
                .addTensor("wide", GgmlType.F32, wide, MemorySegment.ofArray(wideBytes))
                .addTensor("vector", GgmlType.F32, vector, MemorySegment.ofArray(vectorBytes))
                .write(given);

        List<Long> asked = new java.util.ArrayList<>();
        long rowBytes = GgmlType.F32.byteSize(wide.dim(0));
        Path produced = dir.resolve("produced.gguf");
        new GgufWriter().putString("general.architecture", "test")
                .addTensor("wide", GgmlType.F32, wide, (firstRow, rows, dst) -> {
                    asked.add(firstRow);
                    assertThat(dst.byteSize()).isEqualTo(rows * rowBytes);
                    dst.copyFrom(MemorySegment.ofArray(wideBytes).asSlice(firstRow * rowBytes, rows * rowBytes));
                })
                .addTensor("vector", GgmlType.F32, vector,
                        (firstRow, rows, dst) -> dst.copyFrom(MemorySegment.ofArray(vectorBytes)))
                .write(produced);

        assertThat(Files.readAllBytes(produced)).isEqualTo(Files.readAllBytes(given));
        assertThat(asked).isSorted().startsWith(0L).hasSizeGreaterThan(1);
    }

    @Test
    void versionTwoFilesAreRead() throws IOException {
        // GGUF v2 has v3's layout (v3 only added big-endian files, which Hearth refuses)
        Path file = dir.resolve("v2.gguf");
        everyValueType().addTensor("t", GgmlType.Q8_0, Shape.of(32), MemorySegment.ofArray(new byte[34])).write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] = 2;
        Files.write(file, bytes);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.version()).isEqualTo(2);
            assertThat(gguf.metadata().getString("string.chinese")).isEqualTo("你好，世界 🌍");
            assertThat(gguf.tensor("t").orElseThrow().byteSize()).isEqualTo(34);
        }
    }

    @Test
    void customAlignmentIsHonoured() throws IOException {
        GgufWriter w = new GgufWriter().putUInt32("general.alignment", 64);
        w.addTensor("a", GgmlType.F32, Shape.of(3), MemorySegment.ofArray(new byte[12]));
        w.addTensor("b", GgmlType.Q8_0, Shape.of(32), MemorySegment.ofArray(new byte[34]));
        Path file = dir.resolve("aligned.gguf");
        w.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.alignment()).isEqualTo(64);
            assertThat(gguf.dataOffset() % 64).isZero();
            assertThat(gguf.tensor("b").orElseThrow().offset()).isEqualTo(64);
        }
    }

    @Test
    void fileWiderThanTwoGibibytesAndTheHeapIsMappedNotCopied() throws IOException {
        // one F32 tensor of 600M elements (2.4 GB, more than the test JVM's heap); the file is sparse
        long elements = 600_000_000L;
        GgufBytes header = new GgufBytes().header(3, 1, 1)
                .string("general.architecture").u32(GgufValueType.STRING.id()).string("big")
                .string("huge").u32(1).u64(elements).u32(GgmlType.F32.id()).u64(0)
                .padTo(32);
        Path big = dir.resolve("big.gguf");
        Files.write(big, header.toArray());
        try (var raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(header.size() + elements * 4);
        }
        try (GgufFile gguf = GgufFile.open(big)) {
            GgufTensorInfo huge = gguf.tensor("huge").orElseThrow();
            MemorySegment data = gguf.data(huge);
            assertThat(data.byteSize()).isEqualTo(elements * 4);
            assertThat(data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, elements * 4 - 4)).isEqualTo(0f);
            assertThat(gguf.fileSize()).isGreaterThan(Runtime.getRuntime().maxMemory());
        }
    }
}
