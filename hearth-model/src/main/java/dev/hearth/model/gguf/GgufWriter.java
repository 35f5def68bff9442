package dev.hearth.model.gguf;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files: metadata in insertion order, then the tensor directory, then the
 * tensor data, each tensor aligned to {@code general.alignment} (default 32).
 *
 * <p>The file is written to a temporary sibling and moved into place at the end, so a failed
 * write never leaves a half-written file under the target name. Not thread-safe.
 */
public final class GgufWriter {
    private static final int WRITE_CHUNK = 1 << 20;
    /** How many bytes of a {@link TensorSource} tensor are produced before they are written. */
    private static final long SOURCE_CHUNK = 8L << 20;

    /** A tensor's bytes: given whole, or produced a block of rows at a time. */
    private sealed interface Content {
        record Bytes(MemorySegment data) implements Content {}

        record Produced(TensorSource source) implements Content {}
    }

    private record PendingTensor(String name, GgmlType type, Shape shape, long byteSize, Content content) {

        long rowBytes() {
            return type.byteSize(shape.dim(0));
        }

        long rows() {
            return shape.elementCount() / shape.dim(0);
        }
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final java.util.Set<String> tensorNames = new java.util.HashSet<>();

    /** Adds or replaces a metadata entry; insertion order is file order. */
    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    /** The metadata added so far. */
    public GgufMetadata metadata() {
        return GgufMetadata.of(metadata);
    }

    /** Copies every entry of {@code source}, in its order. */
    public GgufWriter putAll(GgufMetadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.Str.of(value));
    }

    public GgufWriter putUInt32(String key, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(key + ": " + value + " is not a uint32");
        }
        return put(key, new GgufValue.Int(GgufValueType.UINT32, value));
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, new GgufValue.Int(GgufValueType.INT32, value));
    }

    public GgufWriter putUInt64(String key, long value) {
        return put(key, new GgufValue.Int(GgufValueType.UINT64, value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, new GgufValue.Float32(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new GgufValue.Bool(value));
    }

    public GgufWriter putStringArray(String key, List<String> values) {
        List<GgufValue> elements = new ArrayList<>(values.size());
        values.forEach(v -> elements.add(GgufValue.Str.of(v)));
        return put(key, new GgufValue.Array(GgufValueType.STRING, elements));
    }

    public GgufWriter putFloat32Array(String key, float[] values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (float v : values) {
            elements.add(new GgufValue.Float32(v));
        }
        return put(key, new GgufValue.Array(GgufValueType.FLOAT32, elements));
    }

    public GgufWriter putInt32Array(String key, int[] values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (int v : values) {
            elements.add(new GgufValue.Int(GgufValueType.INT32, v));
        }
        return put(key, new GgufValue.Array(GgufValueType.INT32, elements));
    }

    /**
     * Adds a tensor. {@code data} must hold exactly the bytes of {@code shape} in {@code type}
     * (whole blocks along dimension 0); it is read when {@link #write} runs.
     */
    public GgufWriter addTensor(String name, GgmlType type, Shape shape, MemorySegment data) {
        long expected = checkTensor(name, type, shape);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + shape + " " + type + " takes "
                    + expected + " bytes, but the data has " + data.byteSize());
        }
        tensorNames.add(name);
        tensors.add(new PendingTensor(name, type, shape, expected, new Content.Bytes(data)));
        return this;
    }

    /**
     * Adds a tensor whose bytes {@code source} produces while {@link #write} runs, a block of rows
     * at a time (about 8 MiB, at least one row), in row order.
     */
    public GgufWriter addTensor(String name, GgmlType type, Shape shape, TensorSource source) {
        long expected = checkTensor(name, type, shape);
        tensorNames.add(name);
        tensors.add(new PendingTensor(name, type, shape, expected, new Content.Produced(source)));
        return this;
    }

    /** The tensor's size in bytes, after checking that it can be added. */
    private long checkTensor(String name, GgmlType type, Shape shape) {
        if (tensorNames.contains(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        if (shape.dim(0) % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape.dim(0)
                    + " is not a multiple of " + type + "'s block size " + type.blockSize());
        }
        return type.byteSize(shape.elementCount());
    }

    /** Writes the file (atomically replacing {@code path}). */
    public void write(Path path) throws IOException {
        int alignment = alignment();
        // a sibling created like any new file (so it gets the user's usual permissions, which
        // createTempFile's 0600 would not), moved over the target only once complete
        Path tmp = path.toAbsolutePath().resolveSibling(path.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".part");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                HeaderBuffer header = new HeaderBuffer();
                header.u32(GgufReader.MAGIC);
                header.u32(3);
                header.u64(tensors.size());
                header.u64(metadata.size());
                metadata.forEach((key, value) -> {
                    header.string(GgufValue.Str.of(key));
                    header.u32(value.type().id());
                    header.value(value);
                });
                long offset = 0;
                for (PendingTensor t : tensors) {
                    header.string(GgufValue.Str.of(t.name()));
                    header.u32(t.shape().rank());
                    for (long d : t.shape().dims()) {
                        header.u64(d);
                    }
                    header.u32(t.type().id());
                    header.u64(offset);
                    offset = GgufReader.alignUp(offset + t.byteSize(), alignment);
                }
                if (!tensors.isEmpty()) {
                    header.padTo(alignment); // llama.cpp leaves a file without tensors unpadded
                }
                writeFully(out, header.toByteBuffer());
                long written = 0;
                for (PendingTensor t : tensors) {
                    switch (t.content()) {
                        case Content.Bytes b -> writeSegment(out, b.data());
                        case Content.Produced p -> writeProduced(out, t, p.source());
                    }
                    written += t.byteSize();
                    long padded = GgufReader.alignUp(written, alignment);
                    writeFully(out, ByteBuffer.allocate((int) (padded - written)));
                    written = padded;
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private int alignment() {
        GgufValue v = metadata.get(GgufReader.ALIGNMENT_KEY);
        if (v == null) {
            return GgufReader.DEFAULT_ALIGNMENT;
        }
        if (v instanceof GgufValue.Int i && i.type() == GgufValueType.UINT32 && i.value() > 0 && Long.bitCount(i.value()) == 1) {
            return (int) i.value();
        }
        throw new IllegalArgumentException(GgufReader.ALIGNMENT_KEY + " must be a uint32 power of two, found " + v);
    }

    private static void writeProduced(FileChannel out, PendingTensor t, TensorSource source) throws IOException {
        long rowBytes = t.rowBytes();
        long rows = t.rows();
        int rowsPerChunk = (int) Math.min(rows, Math.max(1, SOURCE_CHUNK / rowBytes));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(rowsPerChunk * rowBytes, 64);
            for (long row = 0; row < rows; row += rowsPerChunk) {
                int n = (int) Math.min(rowsPerChunk, rows - row);
                MemorySegment chunk = buffer.asSlice(0, n * rowBytes);
                source.writeRows(row, n, chunk);
                writeSegment(out, chunk);
            }
        }
    }

    private static void writeSegment(FileChannel out, MemorySegment data) throws IOException {
        // a heap segment over a float[] (trained weights) has no ByteBuffer view: its bytes go through a byte[]
        boolean viewable = data.isNative() || data.heapBase().map(base -> base instanceof byte[]).orElse(true);
        byte[] staging = viewable ? null : new byte[(int) Math.min(WRITE_CHUNK, data.byteSize())];
        for (long at = 0; at < data.byteSize(); at += WRITE_CHUNK) {
            long n = Math.min(WRITE_CHUNK, data.byteSize() - at);
            if (viewable) {
                writeFully(out, data.asSlice(at, n).asByteBuffer());
            } else {
                MemorySegment.copy(data, at, MemorySegment.ofArray(staging), 0, n);
                writeFully(out, ByteBuffer.wrap(staging, 0, (int) n));
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** The header, metadata and directory, built in memory (they are small next to the data). */
    private static final class HeaderBuffer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(long more) {
            if (buf.remaining() < more) {
                long needed = buf.position() + more;
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("GGUF metadata larger than 2 GiB");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, 2L * buf.capacity())))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void u32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void u64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void string(GgufValue.Str s) {
            byte[] b = s.utf8();
            u64(b.length);
            ensure(b.length);
            buf.put(b);
        }

        void value(GgufValue value) {
            switch (value) {
                case GgufValue.Int i -> integer(i);
                case GgufValue.Float32 f -> {
                    ensure(4);
                    buf.putFloat(f.value());
                }
                case GgufValue.Float64 d -> {
                    ensure(8);
                    buf.putDouble(d.value());
                }
                case GgufValue.Bool b -> {
                    ensure(1);
                    buf.put((byte) (b.value() ? 1 : 0));
                }
                case GgufValue.Str s -> string(s);
                case GgufValue.Array a -> {
                    u32(a.elementType().id());
                    u64(a.elements().size());
                    a.elements().forEach(this::value);
                }
            }
        }

        private void integer(GgufValue.Int i) {
            ensure(8);
            switch (i.type().fixedSize()) {
                case 1 -> buf.put((byte) i.value());
                case 2 -> buf.putShort((short) i.value());
                case 4 -> buf.putInt((int) i.value());
                default -> buf.putLong(i.value());
            }
        }

        void padTo(int alignment) {
            int padded = (int) GgufReader.alignUp(buf.position(), alignment);
            ensure(padded - buf.position());
            buf.position(padded);
        }

        ByteBuffer toByteBuffer() {
            return buf.flip();
        }
    }
}
