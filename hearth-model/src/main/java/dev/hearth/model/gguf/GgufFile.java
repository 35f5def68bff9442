package dev.hearth.model.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open GGUF file (versions 2 and 3): its metadata, its tensor directory, and its tensor data
 * mapped read-only into memory.
 *
 * <p>The file is mapped with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)}, so
 * tensor data is never copied onto the heap and files larger than 2 GiB, or than the heap, work.
 * Metadata is parsed onto the heap when the file opens and stays valid after {@link #close()};
 * tensor segments do not. Thread-safe: segments may be read from any thread until the file closes.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final GgufReader.Header header;
    private final Map<String, GgufTensorInfo> byName = new HashMap<>();

    private GgufFile(Path path, Arena arena, MemorySegment mapped, GgufReader.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.header = header;
        header.tensors().forEach(t -> byName.put(t.name(), t));
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws GgufFormatException if the file is not a well-formed GGUF v2/v3 file; the message
     *     names the field, the byte offset and what was expected
     * @throws IOException if the file cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, expected a .gguf file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapped = size == 0 ? MemorySegment.ofArray(new byte[0]) : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufReader.Header header = new GgufReader(path, mapped).parse();
            return new GgufFile(path, arena, mapped, header);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** GGUF format version: 2 or 3. */
    public int version() {
        return header.version();
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    /** Tensors in the order of the file's directory. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Alignment of tensor data in bytes ({@code general.alignment}, default 32). */
    public int alignment() {
        return header.alignment();
    }

    /** Absolute file offset where the tensor data section starts. */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long fileSize() {
        return mapped.byteSize();
    }

    /**
     * The bytes of one tensor, read-only, valid until {@link #close()}.
     *
     * @throws IllegalArgumentException if {@code tensor} is not one of this file's
     */
    public MemorySegment data(GgufTensorInfo tensor) {
        if (byName.get(tensor.name()) != tensor && !tensor.equals(byName.get(tensor.name()))) {
            throw new IllegalArgumentException(path + ": has no tensor " + tensor);
        }
        return mapped.asSlice(header.dataOffset() + tensor.offset(), tensor.byteSize()).asReadOnly();
    }

    /** Unmaps the file; segments from {@link #data} become unusable. */
    @Override
    public void close() {
        arena.close();
    }
}
