package dev.hearth.model.gguf;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the header, metadata and tensor directory of a GGUF file held in a memory segment.
 *
 * <p>Every count and length is checked against the bytes that remain before anything is
 * allocated, so a corrupt or hostile file ends in a {@link GgufFormatException} rather than an
 * {@code OutOfMemoryError} or a hang. Not thread-safe; one reader per parse.
 */
final class GgufReader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final String ALIGNMENT_KEY = "general.alignment";
    static final int DEFAULT_ALIGNMENT = 32;
    /** Arrays of arrays deeper than this are refused: no real file nests, and recursion is bounded. */
    static final int MAX_ARRAY_NESTING = 8;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the parse found. */
    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {}

    private final Path file;
    private final MemorySegment bytes;
    private final long size;
    private long pos;
    private long heapBudget;

    GgufReader(Path file, MemorySegment bytes) {
        this.file = file;
        this.bytes = bytes;
        this.size = bytes.byteSize();
        // metadata lives on the heap; refuse a file whose metadata would take more than a quarter of it
        this.heapBudget = Runtime.getRuntime().maxMemory() / 4;
    }

    Header parse() {
        int magic = readU32("magic");
        if (magic != MAGIC) {
            throw error("magic", 0, String.format("expected \"GGUF\" (47 47 55 46), found %02x %02x %02x %02x: not a GGUF file",
                    magic & 0xFF, (magic >>> 8) & 0xFF, (magic >>> 16) & 0xFF, magic >>> 24));
        }
        int version = readU32("version");
        if (version == 1) {
            throw error("version", 4, "GGUF version 1 is not supported (expected 2 or 3); convert the file with a current llama.cpp");
        }
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            throw error("version", 4, "big-endian GGUF files are not supported (expected a little-endian file)");
        }
        if (version != 2 && version != 3) {
            throw error("version", 4, "unknown version " + Integer.toUnsignedString(version) + " (expected 2 or 3)");
        }
        long tensorCount = readCount("tensor count", 8 + 4 + 4 + 8); // smallest tensor entry: empty name, 1 dim
        long kvCount = readCount("metadata count", 8 + 4 + 1);       // smallest entry: empty key, uint8

        Map<String, GgufValue> values = new LinkedHashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long start = pos;
            String key = readString("metadata key #" + i).text();
            GgufValueType type = readValueType("metadata '" + key + "' type");
            GgufValue value = readValue("metadata '" + key + "'", type, 0);
            if (values.putIfAbsent(key, value) != null) {
                throw error("metadata '" + key + "'", start, "duplicate key");
            }
            offsets.put(key, start);
        }
        GgufMetadata metadata = new GgufMetadata(file, values, offsets);
        int alignment = alignment(values, offsets);

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        List<Long> tensorStarts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long start = pos;
            charge("tensor #" + i, 256);
            GgufTensorInfo info = readTensorInfo(i, alignment);
            if (!names.add(info.name())) {
                throw error("tensor '" + info.name() + "'", start, "duplicate tensor name");
            }
            tensors.add(info);
            tensorStarts.add(start);
        }
        long dataOffset = alignUp(pos, alignment);
        if (!tensors.isEmpty() && dataOffset > size) {
            throw error("tensor data", pos, "the data section would start at byte " + dataOffset
                    + " but the file has only " + size + " bytes (truncated file?)");
        }
        checkTensorPlacement(tensors, tensorStarts, dataOffset);
        return new Header(version, metadata, List.copyOf(tensors), alignment, dataOffset);
    }

    private int alignment(Map<String, GgufValue> values, Map<String, Long> offsets) {
        GgufValue v = values.get(ALIGNMENT_KEY);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        long at = offsets.get(ALIGNMENT_KEY);
        if (!(v instanceof GgufValue.Int i) || i.type() != GgufValueType.UINT32) {
            throw error(ALIGNMENT_KEY, at, "expected uint32, found " + v.type().specName());
        }
        long a = i.value();
        if (a <= 0 || Long.bitCount(a) != 1 || a > (1 << 20)) {
            throw error(ALIGNMENT_KEY, at, "expected a power of two between 1 and 2^20, found " + a);
        }
        return (int) a;
    }

    private GgufTensorInfo readTensorInfo(long index, int alignment) {
        long start = pos;
        String name = readString("tensor #" + index + " name").text();
        String field = "tensor '" + name + "'";
        long rankAt = pos;
        int rank = readU32(field + " dimension count");
        if (rank < 1 || rank > Shape.MAX_RANK) {
            throw error(field + " dimension count", rankAt, "expected 1.." + Shape.MAX_RANK + ", found " + Integer.toUnsignedString(rank));
        }
        long[] dims = new long[rank];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            long dimAt = pos;
            dims[d] = readU64(field + " dimension " + d);
            if (dims[d] < 0) {
                throw error(field + " dimension " + d, dimAt, "expected a size below 2^63, found " + Long.toUnsignedString(dims[d]));
            }
            try {
                count = Math.multiplyExact(count, dims[d]);
            } catch (ArithmeticException overflow) {
                throw error(field + " shape", start, "the element count of " + java.util.Arrays.toString(dims) + " overflows 64 bits");
            }
        }
        long typeAt = pos;
        int typeId = readU32(field + " type");
        GgmlType type = GgmlType.fromId(typeId).orElseThrow(() ->
                error(field + " type", typeAt, "unknown tensor type " + Integer.toUnsignedString(typeId)
                        + " (this build knows ggml types 0-39 except the removed 4, 5, 31-33, 36-38)"));
        if (dims[0] % type.blockSize() != 0) {
            throw error(field + " shape", start, "the row length " + dims[0] + " is not a multiple of "
                    + type + "'s block size " + type.blockSize());
        }
        long offsetAt = pos;
        long offset = readU64(field + " offset");
        if (offset < 0 || offset % alignment != 0) {
            throw error(field + " offset", offsetAt, "offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment);
        }
        Shape shape = Shape.of(dims);
        try {
            type.byteSize(count);
        } catch (ArithmeticException overflow) {
            throw error(field + " shape", start, "the byte size of " + shape + " " + type + " overflows 64 bits");
        }
        return new GgufTensorInfo(name, shape, type, offset);
    }

    private void checkTensorPlacement(List<GgufTensorInfo> tensors, List<Long> starts, long dataOffset) {
        long dataBytes = size - dataOffset;
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> tensors.get(i).offset()));
        GgufTensorInfo previous = null;
        for (int i : order) {
            GgufTensorInfo t = tensors.get(i);
            long end = t.offset() + t.byteSize();
            if (t.offset() > dataBytes || end < 0 || end > dataBytes) {
                throw error("tensor '" + t.name() + "'", starts.get(i), "data [" + t.offset() + ", " + end
                        + ") of the data section runs past the end of the file (the data section has "
                        + Math.max(0, dataBytes) + " bytes; truncated file?)");
            }
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                throw error("tensor '" + t.name() + "'", starts.get(i), "data at offset " + t.offset()
                        + " overlaps tensor '" + previous.name() + "' (offset " + previous.offset()
                        + ", " + previous.byteSize() + " bytes)");
            }
            previous = t;
        }
    }

    private GgufValue readValue(String field, GgufValueType type, int depth) {
        long at = pos;
        return switch (type) {
            case UINT8 -> new GgufValue.Int(type, readByte(field) & 0xFFL);
            case INT8 -> new GgufValue.Int(type, readByte(field));
            case UINT16 -> new GgufValue.Int(type, readShort(field) & 0xFFFFL);
            case INT16 -> new GgufValue.Int(type, readShort(field));
            case UINT32 -> new GgufValue.Int(type, readU32(field) & 0xFFFF_FFFFL);
            case INT32 -> new GgufValue.Int(type, readU32(field));
            case UINT64, INT64 -> new GgufValue.Int(type, readU64(field));
            case FLOAT32 -> {
                require(field, 4);
                float f = bytes.get(F32, pos);
                pos += 4;
                yield new GgufValue.Float32(f);
            }
            case FLOAT64 -> {
                require(field, 8);
                double d = bytes.get(F64, pos);
                pos += 8;
                yield new GgufValue.Float64(d);
            }
            case BOOL -> {
                byte b = readByte(field);
                if (b != 0 && b != 1) {
                    throw error(field, at, "expected a bool (0 or 1), found " + (b & 0xFF));
                }
                yield new GgufValue.Bool(b == 1);
            }
            case STRING -> readString(field);
            case ARRAY -> readArray(field, depth);
        };
    }

    private GgufValue readArray(String field, int depth) {
        if (depth >= MAX_ARRAY_NESTING) {
            throw error(field, pos, "arrays nested more than " + MAX_ARRAY_NESTING + " deep");
        }
        GgufValueType elementType = readValueType(field + " element type");
        long count = readCount(field + " length", elementType.minEncodedSize());
        if (elementType == GgufValueType.STRING) {
            return new GgufValue.Array(elementType, readStrings(field, (int) count));
        }
        if (elementType.isInteger() || elementType == GgufValueType.FLOAT32 || elementType == GgufValueType.FLOAT64) {
            long length = count * elementType.fixedSize(); // readCount checked that they fit in the file
            if (length > Integer.MAX_VALUE - 16) {
                throw error(field, pos, count + " elements of " + elementType.specName()
                        + " exceed the 2 GiB limit of an array");
            }
            charge(field, length + 16);
            byte[] packed = new byte[(int) length];
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pos, packed, 0, packed.length);
            pos += length;
            return new GgufValue.Array(elementType, new PackedElements.Numbers(elementType, packed));
        }
        charge(field, count * 32); // a reference plus a small value object per element
        List<GgufValue> elements = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            elements.add(readValue(field, elementType, depth + 1));
        }
        return new GgufValue.Array(elementType, elements);
    }

    /**
     * {@code count} strings as one copy of the bytes the file stores them in (each a uint64 length,
     * then its bytes): their lengths are checked one by one first, so a bad one is named before
     * anything is copied.
     */
    private PackedElements.Strings readStrings(String field, int count) {
        long first = pos;
        int[] starts = new int[count + 1];
        for (int i = 0; i < count; i++) {
            long at = pos;
            long length = readStringLength(field, i);
            if (pos + length - first > Integer.MAX_VALUE - 16) {
                throw error(elementName(field, i), at, "the array's strings exceed the 2 GiB limit of an array");
            }
            starts[i] = (int) (at - first);
            pos += length;
        }
        int total = (int) (pos - first);
        starts[count] = total;
        charge(field, total + 4L * count + 32);
        byte[] packed = new byte[total];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, first, packed, 0, total);
        return new PackedElements.Strings(packed, starts);
    }

    private GgufValue.Str readString(String field) {
        long at = pos;
        long length = readStringLength(field, -1);
        if (length > Integer.MAX_VALUE - 16) {
            throw error(field, at, "string length " + length + " exceeds the 2 GiB limit of a string");
        }
        charge(field, length + 48);
        byte[] utf8 = new byte[(int) length];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pos, utf8, 0, (int) length);
        pos += length;
        return new GgufValue.Str(utf8);
    }

    /**
     * A string's uint64 length, checked against the bytes left in the file. The string is
     * {@code field}, or element {@code index} of it for {@code index >= 0}; that name is built
     * only for an error (a vocabulary has 150k strings).
     */
    private long readStringLength(String field, int index) {
        long at = pos;
        if (size - pos < 8) {
            require(elementName(field, index) + " length", 8);
        }
        long length = readU64(field);
        long remaining = size - pos;
        if (length < 0 || length > remaining) {
            throw error(elementName(field, index), at, "string length " + Long.toUnsignedString(length)
                    + " exceeds the " + remaining + " bytes left in the file");
        }
        return length;
    }

    private static String elementName(String field, int index) {
        return index < 0 ? field : field + "[" + index + "]";
    }

    private GgufValueType readValueType(String field) {
        long at = pos;
        int id = readU32(field);
        return GgufValueType.fromId(id).orElseThrow(() ->
                error(field, at, "unknown value type " + Integer.toUnsignedString(id) + " (expected 0..12)"));
    }

    /** Reads a uint64 count and checks that that many entries of at least minEntryBytes can fit. */
    private long readCount(String field, int minEntryBytes) {
        long at = pos;
        long count = readU64(field);
        long remaining = size - pos;
        if (count < 0 || (minEntryBytes > 0 && count > remaining / minEntryBytes) || count > Integer.MAX_VALUE - 16) {
            throw error(field, at, Long.toUnsignedString(count) + " entries cannot fit in the "
                    + remaining + " bytes left in the file (each takes at least " + minEntryBytes + "; truncated or corrupted file?)");
        }
        return count;
    }

    private void charge(String field, long bytesOfHeap) {
        heapBudget -= bytesOfHeap;
        if (heapBudget < 0) {
            throw error(field, pos, "the metadata needs more memory than a quarter of the Java heap ("
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); no real model's metadata is this large");
        }
    }

    private byte readByte(String field) {
        require(field, 1);
        return bytes.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short readShort(String field) {
        require(field, 2);
        short v = bytes.get(U16, pos);
        pos += 2;
        return v;
    }

    private int readU32(String field) {
        require(field, 4);
        int v = bytes.get(U32, pos);
        pos += 4;
        return v;
    }

    private long readU64(String field) {
        require(field, 8);
        long v = bytes.get(U64, pos);
        pos += 8;
        return v;
    }

    private void require(String field, long n) {
        if (size - pos < n) {
            throw error(field, pos, "expected " + n + " more bytes, but the file ends at byte " + size + " (truncated file?)");
        }
    }

    private GgufFormatException error(String field, long offset, String problem) {
        return new GgufFormatException(file, field, offset, problem);
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
