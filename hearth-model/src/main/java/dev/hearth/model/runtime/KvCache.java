package dev.hearth.model.runtime;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.lora.LoraSet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The keys and values of one sequence's past positions, for every layer and key/value head, in
 * blocks of a {@link KvBlockPool}.
 *
 * <p>Position {@code p} lives in the sequence's block {@code p / B} (for the pool's block size
 * {@code B}), row {@code p mod B}. {@link #keys(int)} and {@link #values(int)} list a layer's blocks
 * KV head by KV head, the paged layout {@link dev.hearth.compute.kernels.Kernels#attention}
 * reads. A cache made by {@link #allocate} has a pool of its own, of blocks of up to
 * {@value #OWN_BLOCK} positions taken as positions fill: a cache for a model's whole context
 * (32k positions, hundreds of MB) costs memory, and time to clear it, only as it is used.
 *
 * <p>A cache belongs to the {@link LoraSet} it was made with: its keys and values are what the
 * model computes with those adapters, so every forward pass over it applies them, and it shares
 * cached prefixes only with sequences that apply the same set.
 *
 * <p>A cache is filled by a {@link Model}: {@link #size()} positions are valid; a forward pass
 * stores the next positions' keys and values and then {@link #advance advances} over their tokens.
 * Not thread-safe: one sequence, one thread at a time.
 */
public final class KvCache implements AutoCloseable {
    /** Positions per block of a cache with a pool of its own. */
    static final int OWN_BLOCK = 512;

    private final KvBlockPool pool;
    private final boolean ownsPool;
    private final int capacity;
    private final LoraSet lora;
    private final Quantizer writer;
    private final int[] table;     // the pool's block behind each of this sequence's blocks
    private final int[] tokens;    // the token at each filled position, for prefix registration
    private final List<List<Tensor>> layerKeys = new ArrayList<>();   // [layers] of [blocks·kvHeads]
    private final List<List<Tensor>> layerValues = new ArrayList<>(); // [layers] of [blocks·kvHeads]
    private final List<List<Tensor>> keyViews = new ArrayList<>();    // read-only views of the above
    private final List<List<Tensor>> valueViews = new ArrayList<>();
    private int blocksHeld;
    private int reservedLeft; // blocks this sequence may still take from the pool
    private int registered;   // leading blocks already registered for prefix reuse
    private KvBlockPool.BlockKey lastKey; // the key of block registered-1
    private int size;
    private boolean closed;

    KvCache(KvBlockPool pool, int capacity, int reservedBlocks, LoraSet lora) {
        this(pool, false, capacity, reservedBlocks, lora);
    }

    private KvCache(KvBlockPool pool, boolean ownsPool, int capacity, int reservedBlocks, LoraSet lora) {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.capacity = capacity;
        this.lora = Objects.requireNonNull(lora, "lora");
        this.writer = WeightFormats.quantizer(pool.precision().type());
        this.table = new int[reservedBlocks];
        this.tokens = new int[capacity];
        this.reservedLeft = reservedBlocks;
        for (int l = 0; l < pool.layers(); l++) {
            List<Tensor> k = new ArrayList<>(reservedBlocks * pool.kvHeads());
            List<Tensor> v = new ArrayList<>(reservedBlocks * pool.kvHeads());
            layerKeys.add(k);
            layerValues.add(v);
            keyViews.add(Collections.unmodifiableList(k));
            valueViews.add(Collections.unmodifiableList(v));
        }
    }

    /**
     * An empty cache for {@code capacity} positions, in memory of its own.
     *
     * @throws IllegalArgumentException if a dimension is not positive
     */
    public static KvCache allocate(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision) {
        return allocate(layers, kvHeads, keyDim, valueDim, capacity, precision, LoraSet.NONE);
    }

    /** As {@link #allocate(int, int, int, int, int, KvPrecision)}, for a sequence that applies {@code lora}. */
    public static KvCache allocate(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision,
            LoraSet lora) {
        int blockSize = ownBlockSize(capacity);
        int blocks = ownBlocks(capacity);
        KvBlockPool pool = KvBlockPool.allocate(layers, kvHeads, keyDim, valueDim, blockSize, blocks, precision, false);
        pool.reserve(blocks); // every block is this cache's
        return new KvCache(pool, true, capacity, blocks, lora);
    }

    /** Bytes a cache of these dimensions takes when full. */
    public static long bytes(int layers, int kvHeads, int keyDim, int valueDim, int capacity, KvPrecision precision) {
        return KvBlockPool.blockBytes(layers, kvHeads, keyDim, valueDim, ownBlockSize(capacity), precision)
                * ownBlocks(capacity);
    }

    private static int ownBlockSize(int capacity) {
        return Math.min(capacity, OWN_BLOCK);
    }

    private static int ownBlocks(int capacity) {
        return (capacity + OWN_BLOCK - 1) / OWN_BLOCK;
    }

    /** The adapters every forward pass over this cache applies. */
    public LoraSet lora() {
        return lora;
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
        return pool.precision();
    }

    public int layers() {
        return pool.layers();
    }

    public int kvHeads() {
        return pool.kvHeads();
    }

    public int keyDim() {
        return pool.keyDim();
    }

    public int valueDim() {
        return pool.valueDim();
    }

    /** Positions per block. */
    public int blockSize() {
        return pool.blockSize();
    }

    /**
     * Keys of layer {@code layer}: block {@code b} of KV head {@code g} at index {@code b·kvHeads + g},
     * each {@code [blockSize][keyDim]}. Covers at least the filled positions.
     */
    public List<Tensor> keys(int layer) {
        return keyViews.get(layer);
    }

    /** Values of layer {@code layer}, laid out as {@link #keys(int)}. */
    public List<Tensor> values(int layer) {
        return valueViews.get(layer);
    }

    /**
     * Writes one position's key {@code key[keyOffset .. +keyDim)} and value
     * {@code value[valueOffset .. +valueDim)}, rounded to the cache's precision. Positions at or
     * after {@link #size()} become visible only when {@link #advance} covers them; call
     * {@link #requireRoom} for them first, which takes the blocks they need.
     *
     * @throws IndexOutOfBoundsException if {@code position} is outside the blocks taken
     */
    public void store(int layer, int kvHead, int position, float[] key, int keyOffset, float[] value, int valueOffset) {
        int blockSize = pool.blockSize();
        if (position < 0 || position >= blocksHeld * blockSize) {
            throw new IndexOutOfBoundsException("position " + position + " outside a KV cache of "
                    + blocksHeld * blockSize + " positions taken (capacity " + capacity + ")");
        }
        int block = table[position / blockSize];
        int row = position % blockSize;
        Tensor k = pool.keys(block, layer, kvHead);
        Tensor v = pool.values(block, layer, kvHead);
        writer.quantize(key, keyOffset, pool.keyDim(), k.data(), row * k.rowBytes());
        writer.quantize(value, valueOffset, pool.valueDim(), v.data(), row * v.rowBytes());
    }

    /**
     * Checks that {@code count} more positions fit, and takes the blocks they need.
     *
     * @throws IllegalStateException naming the sizes when they do not fit
     */
    public void requireRoom(int count) {
        if (count > remaining()) {
            throw new IllegalStateException("KV cache holds " + size + " of " + capacity + " positions; "
                    + count + " more do not fit (truncate it or create a larger one)");
        }
        int blockSize = pool.blockSize();
        while (blocksHeld * blockSize < size + count) {
            attach(pool.take());
            reservedLeft--;
        }
    }

    /**
     * Marks the positions that the batch's {@code sequence}-th sequence has just
     * {@link #store stored} as filled, holding its tokens. Blocks this fills become reusable
     * prefixes, in a pool that caches them.
     */
    public void advance(Batch batch, int sequence) {
        int count = batch.count(sequence);
        requireRoom(count);
        for (int t = 0, first = batch.first(sequence); t < count; t++) {
            this.tokens[size + t] = batch.token(first + t);
        }
        filled(count);
    }

    /** As {@link #advance(Batch, int)}, for {@code tokens[from .. from+count)}. */
    public void advance(int[] tokens, int from, int count) {
        requireRoom(count);
        System.arraycopy(tokens, from, this.tokens, size, count);
        filled(count);
    }

    private void filled(int count) {
        size += count;
        int blockSize = pool.blockSize();
        while (!ownsPool && (registered + 1) * blockSize <= size) {
            lastKey = pool.register(table[registered], lastKey, lora, this.tokens, registered * blockSize);
            registered++;
        }
    }

    /**
     * Forgets every position from {@code newSize} on; the next token gets position {@code newSize}.
     * A block this keeps in part, if other sequences share it, is copied first, so they keep theirs.
     */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + size + " positions to " + newSize);
        }
        int blockSize = pool.blockSize();
        int keep = newSize / blockSize; // whole blocks kept as they are
        if (!ownsPool) {
            while (blocksHeld > keep + (newSize % blockSize == 0 ? 0 : 1)) {
                detachLast();
            }
            if (newSize % blockSize != 0 && keep < registered) { // writing into a registered block
                int block = table[keep];
                if (pool.shared(block)) {
                    detachLast();
                    int copy = pool.take();
                    reservedLeft--;
                    pool.copy(block, copy);
                    attach(copy);
                } else {
                    pool.unregister(block);
                }
            }
            if (registered > keep) {
                registered = keep;
                lastKey = keep == 0 ? null : pool.keyOf(table[keep - 1]);
            }
        }
        size = newSize;
    }

    /** Forgets every position. */
    public void clear() {
        truncate(0);
    }

    /** Bytes of keys and values this cache may hold off-heap: all its blocks, once it is full. */
    public long byteSize() {
        return KvBlockPool.blockBytes(layers(), kvHeads(), keyDim(), valueDim(), pool.blockSize(), precision())
                * table.length;
    }

    /** Gives the blocks back to the pool (or frees the memory of a cache made by {@link #allocate}). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsPool) {
            pool.close();
            return;
        }
        while (blocksHeld > 0) {
            detachLast();
        }
        pool.unreserve(reservedLeft);
    }

    // ---- for KvBlockPool

    /** Appends a pool block to this sequence's table. */
    void attach(int block) {
        table[blocksHeld++] = block;
        for (int l = 0; l < pool.layers(); l++) {
            for (int g = 0; g < pool.kvHeads(); g++) {
                layerKeys.get(l).add(pool.keys(block, l, g));
                layerValues.get(l).add(pool.values(block, l, g));
            }
        }
    }

    /** Starts the sequence with {@code count} positions of {@code prompt} that reused blocks hold. */
    void reuse(int[] prompt, int count) {
        System.arraycopy(prompt, 0, tokens, 0, count);
        size = count;
        registered = count / pool.blockSize();
        reservedLeft -= registered; // those blocks are held already, not reserved
        lastKey = registered == 0 ? null : pool.keyOf(table[registered - 1]);
    }

    private void detachLast() {
        int block = table[--blocksHeld];
        for (int l = 0; l < pool.layers(); l++) {
            List<Tensor> k = layerKeys.get(l);
            List<Tensor> v = layerValues.get(l);
            for (int g = 0; g < pool.kvHeads(); g++) {
                k.removeLast();
                v.removeLast();
            }
        }
        pool.release(block);
        reservedLeft++;     // the sequence may take a block again later
        pool.reserve(1);
    }
}
