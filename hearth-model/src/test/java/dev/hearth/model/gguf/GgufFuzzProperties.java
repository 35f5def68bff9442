package dev.hearth.model.gguf;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Feeds thousands of mutated GGUF files to the reader: each must either open (and then every value
 * and tensor must be readable) or fail with a {@link GgufFormatException}; never another exception,
 * an OutOfMemoryError or a hang. Mutations start from a synthetic file holding every value and
 * tensor type, and from a real llama.cpp vocabulary file.
 */
class GgufFuzzProperties {
    private static Path dir;
    private static byte[] synthetic;
    private static byte[] vocab;

    @BeforeContainer
    static void makeSeeds() throws IOException {
        dir = Files.createTempDirectory("gguf-fuzz");
        GgufWriter w = GgufRoundTripTest.everyValueType();
        Random random = new Random(7);
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.Q4_K, GgmlType.Q8_0, GgmlType.F16}) {
            Shape shape = Shape.of(type.blockSize() * 2L, 3);
            byte[] data = new byte[(int) type.byteSize(shape.elementCount())];
            random.nextBytes(data);
            w.addTensor("blk.0." + type.name().toLowerCase() + ".weight", type, shape, MemorySegment.ofArray(data));
        }
        Path seed = dir.resolve("seed.gguf");
        w.write(seed);
        synthetic = Files.readAllBytes(seed);
        vocab = Files.readAllBytes(TestData.file("llama-vocab/ggml-vocab-bert-bge.gguf"));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    @Property(tries = 3000, seed = "20261130")
    void mutatedSyntheticFilesOpenOrFailCleanly(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int mutations) {
        openOrFailCleanly(mutate(synthetic, new Random(seed), mutations, synthetic.length), "synthetic");
    }

    @Property(tries = 400, seed = "20261130")
    void mutatedVocabularyFilesOpenOrFailCleanly(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations) {
        // structure (counts, lengths, types) sits in the header and at the start of each entry: aim there mostly
        openOrFailCleanly(mutate(vocab, new Random(seed), mutations, 4096), "bert-bge vocab");
    }

    private static byte[] mutate(byte[] original, Random random, int mutations, int hotRegion) {
        byte[] bytes = original.clone();
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(10) < 8 ? random.nextInt(Math.min(hotRegion, bytes.length)) : random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> { // an extreme 64-bit value where a count or length may be
                    long[] extremes = {-1L, 1L << 40, 1L << 60, Integer.MAX_VALUE, 0, 1L << 31, Long.MIN_VALUE};
                    long v = extremes[random.nextInt(extremes.length)];
                    for (int i = 0; i < 8 && at + i < bytes.length; i++) {
                        bytes[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> bytes = Arrays.copyOf(bytes, at); // truncate
                default -> { // delete a few bytes, shifting everything after
                    int n = Math.min(1 + random.nextInt(8), bytes.length - at);
                    byte[] shorter = new byte[bytes.length - n];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + n, shorter, at, bytes.length - at - n);
                    bytes = shorter;
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return bytes;
    }

    private static void openOrFailCleanly(byte[] bytes, String what) {
        Path file = dir.resolve("mutant.gguf");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            md.asMap().values().forEach(Object::toString);
            for (GgufTensorInfo t : gguf.tensors()) {
                MemorySegment data = gguf.data(t);
                if (data.byteSize() > 0) {
                    data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
                }
            }
        } catch (GgufFormatException expected) {
            if (!expected.getMessage().startsWith(file.toString())) {
                throw new AssertionError("error does not name the file: " + expected.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("mutated " + what + " file (" + bytes.length + " bytes) raised " + e, e);
        }
    }
}
