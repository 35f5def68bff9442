package dev.hearth.model.convert;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * An open llama2.c checkpoint ({@code model.bin}): its header and its float32 arrays, mapped
 * read-only with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} so the weights
 * never land on the heap.
 *
 * <p>Two layouts exist, both little-endian float32 with no per-array headers (see {@link Format}).
 * Everything the header declares is checked before a byte of weights is touched: positive sizes,
 * head counts that divide, and a file exactly as long as the declared shapes. Weight segments are
 * valid until {@link #close()}.
 */
final class Llama2cCheckpoint implements AutoCloseable {
    /** "ak42", the first four bytes of a version-1 file, read as a little-endian int32. */
    static final int MAGIC = 0x616b3432;

    private static final ValueLayout.OfInt INT32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String[] HEADER_FIELDS = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
    private static final int VERSION_1_SHARED_FLAG_OFFSET = 36;

    /** The arrays a checkpoint can hold, named (in lower case) as llama2.c's {@code TransformerWeights} fields. */
    private enum StoredArray {
        TOKEN_EMBEDDING_TABLE(false, c -> (long) c.vocabSize() * c.dim()),
        RMS_ATT_WEIGHT(true, c -> c.dim()),
        WQ(true, c -> (long) c.dim() * c.dim()),
        WK(true, c -> (long) c.kvDim() * c.dim()),
        WV(true, c -> (long) c.kvDim() * c.dim()),
        WO(true, c -> (long) c.dim() * c.dim()),
        RMS_FFN_WEIGHT(true, c -> c.dim()),
        W1(true, c -> (long) c.hiddenDim() * c.dim()),
        W2(true, c -> (long) c.dim() * c.hiddenDim()),
        W3(true, c -> (long) c.hiddenDim() * c.dim()),
        RMS_FINAL_WEIGHT(false, c -> c.dim()),
        // the legacy format's precomputed RoPE cos/sin tables: run.c skips them, and so do we
        FREQ_CIS_REAL(false, c -> (long) c.seqLen() * (c.headSize() / 2)),
        FREQ_CIS_IMAG(false, c -> (long) c.seqLen() * (c.headSize() / 2)),
        WCLS(false, c -> (long) c.vocabSize() * c.dim());

        private final boolean perLayer;
        private final ToLongFunction<Llama2cConfig> floatsPerEntry;

        StoredArray(boolean perLayer, ToLongFunction<Llama2cConfig> floatsPerEntry) {
            this.perLayer = perLayer;
            this.floatsPerEntry = floatsPerEntry;
        }

        int entries(Llama2cConfig c) {
            return perLayer ? c.layers() : 1;
        }

        long entryBytes(Llama2cConfig c) {
            return Math.multiplyExact(floatsPerEntry.applyAsLong(c), Float.BYTES);
        }

        long bytes(Llama2cConfig c) {
            return Math.multiplyExact(entryBytes(c), entries(c));
        }

        String fieldName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The two float32 layouts of llama2.c's {@code export.py}. */
    enum Format {
        /**
         * Version 0 ("legacy"): seven int32s, then the arrays; a negative {@code vocab_size} means
         * the classifier is stored separately at the end.
         */
        LEGACY(28, List.of(StoredArray.TOKEN_EMBEDDING_TABLE, StoredArray.RMS_ATT_WEIGHT, StoredArray.WQ,
                StoredArray.WK, StoredArray.WV, StoredArray.WO, StoredArray.RMS_FFN_WEIGHT, StoredArray.W1,
                StoredArray.W2, StoredArray.W3, StoredArray.RMS_FINAL_WEIGHT, StoredArray.FREQ_CIS_REAL,
                StoredArray.FREQ_CIS_IMAG, StoredArray.WCLS)),
        /**
         * Version 1: magic "ak42", int32 version, the seven int32s, a shared-classifier byte, zeros
         * up to byte 256, then the arrays with the norms first and no RoPE tables.
         */
        VERSION_1(256, List.of(StoredArray.RMS_ATT_WEIGHT, StoredArray.RMS_FFN_WEIGHT,
                StoredArray.RMS_FINAL_WEIGHT, StoredArray.TOKEN_EMBEDDING_TABLE, StoredArray.WQ, StoredArray.WK,
                StoredArray.WV, StoredArray.WO, StoredArray.W1, StoredArray.W2, StoredArray.W3, StoredArray.WCLS));

        private final int headerBytes;
        private final List<StoredArray> fileOrder;

        Format(int headerBytes, List<StoredArray> fileOrder) {
            this.headerBytes = headerBytes;
            this.fileOrder = fileOrder;
        }
    }

    private final Arena arena;
    private final Format format;
    private final Llama2cConfig config;
    private final Llama2cWeights weights;

    private Llama2cCheckpoint(Arena arena, Format format, Llama2cConfig config, Llama2cWeights weights) {
        this.arena = arena;
        this.format = format;
        this.config = config;
        this.weights = weights;
    }

    /**
     * Opens, validates and maps a checkpoint in either format.
     *
     * @throws Llama2cFormatException if the header is invalid or the file's length does not match it
     * @throws IOException if the file cannot be read
     */
    static Llama2cCheckpoint open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, expected a llama2.c checkpoint (.bin)");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Format.LEGACY.headerBytes) {
                throw new Llama2cFormatException(path, "header", 0, "the file has " + size
                        + " bytes, too few for the 28-byte llama2.c header");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Format format = file.get(INT32, 0) == MAGIC ? Format.VERSION_1 : Format.LEGACY;
            Llama2cConfig config = format == Format.LEGACY ? legacyHeader(path, file) : version1Header(path, file);
            return new Llama2cCheckpoint(arena, format, config, slice(path, file, format, config));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Format format() {
        return format;
    }

    Llama2cConfig config() {
        return config;
    }

    Llama2cWeights weights() {
        return weights;
    }

    /** Unmaps the file; the weight segments become unusable. */
    @Override
    public void close() {
        arena.close();
    }

    private static Llama2cConfig legacyHeader(Path path, MemorySegment file) {
        int[] f = headerFields(file, 0);
        // the legacy format's only flag: the sign of vocab_size
        boolean shared = f[5] > 0;
        if (f[5] < 0 && f[5] != Integer.MIN_VALUE) {
            f[5] = -f[5];
        }
        return validated(path, 0, f, shared);
    }

    private static Llama2cConfig version1Header(Path path, MemorySegment file) {
        if (file.byteSize() < Format.VERSION_1.headerBytes) {
            throw new Llama2cFormatException(path, "header", 0, "the file has " + file.byteSize()
                    + " bytes, too few for the 256-byte header of a version-1 (\"ak42\") llama2.c checkpoint");
        }
        int version = file.get(INT32, 4);
        if (version != 1) {
            String why = version == 2
                    ? "version 2 (Q8_0-quantized) checkpoints are not supported; export with export.py --version 0 or 1"
                    : "unknown version " + version + " (expected 1)";
            throw new Llama2cFormatException(path, "version", 4, why);
        }
        byte flag = file.get(ValueLayout.JAVA_BYTE, VERSION_1_SHARED_FLAG_OFFSET);
        if (flag != 0 && flag != 1) {
            throw new Llama2cFormatException(path, "shared_classifier", VERSION_1_SHARED_FLAG_OFFSET,
                    "expected 0 or 1, found " + flag);
        }
        return validated(path, 8, headerFields(file, 8), flag == 1);
    }

    private static int[] headerFields(MemorySegment file, long at) {
        int[] f = new int[HEADER_FIELDS.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = file.get(INT32, at + 4L * i);
        }
        return f;
    }

    private static Llama2cConfig validated(Path path, long fieldsAt, int[] f, boolean shared) {
        for (int i = 0; i < f.length; i++) {
            if (f[i] <= 0) {
                throw new Llama2cFormatException(path, HEADER_FIELDS[i], fieldsAt + 4L * i,
                        "must be positive, found " + f[i] + " (not a llama2.c checkpoint?)");
            }
        }
        Llama2cConfig c = new Llama2cConfig(f[0], f[1], f[2], f[3], f[4], f[5], f[6], shared);
        long headsAt = fieldsAt + 12;
        if (c.dim() % c.heads() != 0) {
            throw new Llama2cFormatException(path, "n_heads", headsAt,
                    "dim " + c.dim() + " is not divisible by n_heads " + c.heads());
        }
        if (c.heads() % c.kvHeads() != 0) {
            throw new Llama2cFormatException(path, "n_kv_heads", headsAt + 4,
                    "n_heads " + c.heads() + " is not divisible by n_kv_heads " + c.kvHeads());
        }
        if (c.headSize() % 2 != 0) {
            throw new Llama2cFormatException(path, "n_heads", headsAt, "head size dim / n_heads = "
                    + c.headSize() + " is odd, but RoPE rotates pairs of dimensions");
        }
        if (c.vocabSize() < 3) {
            throw new Llama2cFormatException(path, "vocab_size", fieldsAt + 20, "is " + c.vocabSize()
                    + ", but llama2.c reserves ids 0, 1 and 2 for <unk>, <s> and </s>");
        }
        return c;
    }

    /** Checks the file's length against the header, then cuts the mapped file into the arrays. */
    private static Llama2cWeights slice(Path path, MemorySegment file, Format format, Llama2cConfig c) {
        List<StoredArray> stored = format.fileOrder.stream()
                .filter(a -> a != StoredArray.WCLS || !c.sharedClassifier())
                .toList();
        Map<StoredArray, Long> offsets = new EnumMap<>(StoredArray.class);
        long end = format.headerBytes;
        try {
            for (StoredArray a : stored) {
                offsets.put(a, end);
                end = Math.addExact(end, a.bytes(c));
            }
        } catch (ArithmeticException e) {
            throw new Llama2cFormatException(path, "header", 0, "the declared shapes (" + c.describe()
                    + ") need more than 2^63 bytes (not a llama2.c checkpoint?)");
        }
        long size = file.byteSize();
        if (end > size) {
            StoredArray cut = stored.stream().filter(a -> offsets.get(a) + a.bytes(c) > size).findFirst().orElseThrow();
            throw new Llama2cFormatException(path, cut.fieldName(), offsets.get(cut), "the header (" + c.describe()
                    + ") declares a file of " + end + " bytes, but it has " + size + " and ends inside "
                    + cut.fieldName() + " (truncated file?)");
        }
        if (end < size) {
            throw new Llama2cFormatException(path, "weights", end, "the header (" + c.describe() + ") declares a file of "
                    + end + " bytes, but it has " + size + ", " + (size - end)
                    + " more (not a llama2.c checkpoint, or a different export version?)");
        }
        Map<StoredArray, List<MemorySegment>> arrays = new EnumMap<>(StoredArray.class);
        for (StoredArray a : stored) {
            List<MemorySegment> entries = new ArrayList<>(a.entries(c));
            for (int i = 0; i < a.entries(c); i++) {
                entries.add(file.asSlice(offsets.get(a) + i * a.entryBytes(c), a.entryBytes(c)));
            }
            arrays.put(a, entries);
        }
        List<Llama2cWeights.Layer> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            layers.add(new Llama2cWeights.Layer(
                    arrays.get(StoredArray.RMS_ATT_WEIGHT).get(l),
                    arrays.get(StoredArray.WQ).get(l),
                    arrays.get(StoredArray.WK).get(l),
                    arrays.get(StoredArray.WV).get(l),
                    arrays.get(StoredArray.WO).get(l),
                    arrays.get(StoredArray.RMS_FFN_WEIGHT).get(l),
                    arrays.get(StoredArray.W1).get(l),
                    arrays.get(StoredArray.W2).get(l),
                    arrays.get(StoredArray.W3).get(l)));
        }
        return new Llama2cWeights(
                arrays.get(StoredArray.TOKEN_EMBEDDING_TABLE).getFirst(),
                layers,
                arrays.get(StoredArray.RMS_FINAL_WEIGHT).getFirst(),
                Optional.ofNullable(arrays.get(StoredArray.WCLS)).map(List::getFirst));
    }
}
