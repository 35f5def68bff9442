package dev.hearth.model.runtime;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The keys and values of one sequence's past positions, for every layer and key/value head.
 *
 * <p>Layout: for each layer {@code l} and KV head {@code g}, keys are one {@code [capacity][keyDim]}
 * matrix and values one {@code [capacity][valueDim]} matrix, row {@code p} holding position
 * {@code p}. So attention over the first {@code n} positions is two kernel calls on row ranges of
 * {@link #keys} and {@link #values}, whatever the {@link KvPrecision}: the tensor's type tells the
 * kernels how to read it. All matrices live in one off-heap allocation, freed by {@link #close()}.
 *
 * <p>A cache is filled by a {@link Model}: {@link #size()} positions are valid; a forward pass
 * stores the next positions' keys and values and then {@link #advance advances}. Not thread-safe:
 * one sequence, one thread at a time.
 */
public final class KvCache implements AutoCloseable {
    private final Arena arena;
    private final int layers;
    private final int kvHeads;
    private final int keyDim;
    private final int valueDim;
    private final int capacity;
    private final KvPrecision precision;
    private final Quantizer writer;
    private final Tensor[] keys;   // [layers·kvHeads] of [capacity][keyDim]
    private final Tensor[] values; // [layers·kvHeads] of [capacity][valueDim]
    private final List<List<Tensor>> layerKeys;   // [layers] of the above, a list per layer
    private final List<List<Tensor>> layerValues; // [layers]
    private int size;

    private KvCache(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision) {
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.capacity = capacity;
        this.precision = precision;
        this.writer = WeightFormats.quantizer(precision.type());
        this.arena = Arena.ofShared();
        MemorySegment all = arena.allocate(bytes(layers, kvHeads, keyDim, valueDim, capacity, precision), 64);
        long keyBytes = precision.type().byteSize((long) capacity * keyDim);
        long valueBytes = precision.type().byteSize((long) capacity * valueDim);
        this.keys = new Tensor[layers * kvHeads];
        this.values = new Tensor[layers * kvHeads];
        long at = 0;
        for (int l = 0; l < layers; l++) {
            for (int g = 0; g < kvHeads; g++) {
                keys[l * kvHeads + g] = new Tensor("cache.k." + l + "." + g, precision.type(),
                        Shape.of(keyDim, capacity), all.asSlice(at, keyBytes));
                at += keyBytes;
                values[l * kvHeads + g] = new Tensor("cache.v." + l + "." + g, precision.type(),
                        Shape.of(valueDim, capacity), all.asSlice(at, valueBytes));
                at += valueBytes;
            }
        }
        this.layerKeys = perLayer(keys, layers, kvHeads);
        this.layerValues = perLayer(values, layers, kvHeads);
    }

    private static List<List<Tensor>> perLayer(Tensor[] matrices, int layers, int kvHeads) {
        @SuppressWarnings("unchecked")
        List<Tensor>[] lists = new List[layers];
        for (int l = 0; l < layers; l++) {
            lists[l] = List.of(Arrays.copyOfRange(matrices, l * kvHeads, (l + 1) * kvHeads));
        }
        return List.of(lists);
    }

    /**
     * An empty cache for {@code capacity} positions.
     *
     * @throws IllegalArgumentException if a dimension is not positive, or a head's row is not whole
     *     blocks of the precision's type
     */
    public static KvCache allocate(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision) {
        if (layers <= 0 || kvHeads <= 0 || keyDim <= 0 || valueDim <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KV cache dimensions must be positive: layers " + layers
                    + ", kv heads " + kvHeads + ", key dim " + keyDim + ", value dim " + valueDim
                    + ", capacity " + capacity);
        }
        return new KvCache(layers, kvHeads, keyDim, valueDim, capacity, precision);
    }

    /** Bytes a cache of these dimensions takes. */
    public static long bytes(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision) {
        long perPosition = precision.type().byteSize(keyDim) + precision.type().byteSize(valueDim);
        return Math.multiplyExact(Math.multiplyExact((long) layers * kvHeads, perPosition), (long) capacity);
    }

    /** Positions this cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Positions filled so far: the position the next token gets. */
    public int size() {
        return size;
    }

    /** Positions still free. */
    public int remaining() {
        return capacity - size;
    }

    public KvPrecision precision() {
        return precision;
    }

    public int layers() {
        return layers;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int keyDim() {
        return keyDim;
    }

    public int valueDim() {
        return valueDim;
    }

    /** Keys of layer {@code layer}, KV head {@code kvHead}: {@code [capacity][keyDim]}, row = position. */
    public Tensor keys(int layer, int kvHead) {
        return keys[layer * kvHeads + kvHead];
    }

    /** Values of layer {@code layer}, KV head {@code kvHead}: {@code [capacity][valueDim]}, row = position. */
    public Tensor values(int layer, int kvHead) {
        return values[layer * kvHeads + kvHead];
    }

    /** Keys of layer {@code layer}, one {@link #keys(int, int)} matrix per KV head. */
    public List<Tensor> keys(int layer) {
        return layerKeys.get(layer);
    }

    /** Values of layer {@code layer}, one {@link #values(int, int)} matrix per KV head. */
    public List<Tensor> values(int layer) {
        return layerValues.get(layer);
    }

    /**
     * Writes one position's key {@code key[keyOffset .. +keyDim)} and value
     * {@code value[valueOffset .. +valueDim)}, rounded to the cache's precision. Positions at or
     * after {@link #size()} become visible only when {@link #advance} covers them.
     *
     * @throws IndexOutOfBoundsException if {@code position} is outside the capacity
     */
    public void store(int layer, int kvHead, int position, float[] key, int keyOffset, float[] value, int valueOffset) {
        if (position < 0 || position >= capacity) {
            throw new IndexOutOfBoundsException("position " + position + " outside a KV cache of " + capacity);
        }
        Tensor k = keys(layer, kvHead);
        Tensor v = values(layer, kvHead);
        writer.quantize(key, keyOffset, keyDim, k.data(), position * k.rowBytes());
        writer.quantize(value, valueOffset, valueDim, v.data(), position * v.rowBytes());
    }

    /**
     * Checks that {@code tokens} more positions fit.
     *
     * @throws IllegalStateException naming the sizes when they do not
     */
    public void requireRoom(int tokens) {
        if (tokens > remaining()) {
            throw new IllegalStateException("KV cache holds " + size + " of " + capacity + " positions; "
                    + tokens + " more do not fit (truncate it or create a larger one)");
        }
    }

    /** Marks the next {@code tokens} positions, already {@link #store stored}, as filled. */
    public void advance(int tokens) {
        requireRoom(tokens);
        size += tokens;
    }

    /** Forgets every position from {@code newSize} on; the next token gets position {@code newSize}. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + size + " positions to " + newSize);
        }
        size = newSize;
    }

    /** Forgets every position. */
    public void clear() {
        size = 0;
    }

    /** Bytes of keys and values this cache holds off-heap. */
    public long byteSize() {
        return bytes(layers, kvHeads, keyDim, valueDim, capacity, precision);
    }

    /** Frees the memory; the cache must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
