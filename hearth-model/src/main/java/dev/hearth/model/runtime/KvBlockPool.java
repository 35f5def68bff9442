package dev.hearth.model.runtime;

import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.lora.LoraSet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;

/**
 * KV cache memory in fixed-size blocks, shared by many sequences ({@link KvCache}s), as vLLM's
 * paged attention and llama.cpp's unified cache do: a sequence holds a table of blocks and takes
 * a new one each {@link #blockSize()} positions, so memory goes to the sequences that use it
 * rather than to each one's worst case.
 *
 * <p>Layout of a block: for each layer and KV head, a keys matrix {@code [blockSize][keyDim]} then a
 * values matrix {@code [blockSize][valueDim]}, row = position within the block. A block's memory
 * is allocated off-heap when it is first taken, so a large budget costs only what sequences have
 * used so far; it stays until {@link #close()}.
 *
 * <p><b>Prefix reuse.</b> In a pool made with a prefix cache, a block that a sequence
 * has filled is registered under the tokens it holds and those of every block before it. A new
 * sequence whose prompt starts with the same tokens (a shared system prompt, the earlier turns of
 * a conversation) takes those blocks instead of recomputing them, if it applies the same
 * {@link LoraSet} (keys and values depend on the adapters). Shared blocks are never written
 * again: sequences only append, into blocks of their own. A block no sequence holds any more keeps
 * its contents until its memory is needed, least recently used first.
 *
 * <p><b>Reservations.</b> A sequence reserves, when it is made, every block it may ever need, so a
 * sequence that was admitted never runs out of memory half way. {@link #newSequence} answers null
 * when the pool cannot promise that now.
 *
 * <p>Thread-safe: methods that change the block tables are synchronized.
 */
public final class KvBlockPool implements AutoCloseable {
    private final Arena arena;
    private final int layers;
    private final int kvHeads;
    private final int keyDim;
    private final int valueDim;
    private final int blockSize;
    private final int blocks;
    private final KvPrecision precision;
    private final boolean prefixCache;
    private final Tensor[] keys;   // [blocks][layers][kvHeads] of [blockSize][keyDim]
    private final Tensor[] values; // [blocks][layers][kvHeads] of [blockSize][valueDim]
    private final MemorySegment[] blockMemory;  // null until the block is first taken
    private final long keyBytes;
    private final long valueBytes;
    private final long blockBytes;

    private final int[] references;                  // sequences holding each block
    private final BlockKey[] keyOf;                   // the prefix a filled block holds; null if none
    private final ArrayDeque<Integer> free = new ArrayDeque<>();          // unheld, holding nothing reusable
    private final LinkedHashSet<Integer> cached = new LinkedHashSet<>();  // unheld, reusable; oldest first
    private final Map<BlockKey, Integer> byPrefix = new HashMap<>();
    private int reserved; // blocks promised to sequences and not yet taken by them

    private KvBlockPool(int layers, int kvHeads, int keyDim, int valueDim, int blockSize, int blocks,
            KvPrecision precision, boolean prefixCache) {
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.precision = precision;
        this.prefixCache = prefixCache;
        this.arena = Arena.ofShared();
        this.keyBytes = precision.type().byteSize((long) blockSize * keyDim);
        this.valueBytes = precision.type().byteSize((long) blockSize * valueDim);
        this.blockBytes = Math.multiplyExact((long) layers * kvHeads, keyBytes + valueBytes);
        Math.multiplyExact(blockBytes, (long) blocks); // the budget must be addressable
        this.keys = new Tensor[blocks * layers * kvHeads];
        this.values = new Tensor[blocks * layers * kvHeads];
        this.blockMemory = new MemorySegment[blocks];
        this.references = new int[blocks];
        this.keyOf = new BlockKey[blocks];
        for (int b = 0; b < blocks; b++) {
            free.add(b);
        }
    }

    /**
     * A pool of {@code blocks} blocks of {@code blockSize} positions.
     *
     * @param prefixCache whether filled blocks are kept for reuse by later sequences with the same prefix
     * @throws IllegalArgumentException if a dimension is not positive
     */
    public static KvBlockPool allocate(int layers, int kvHeads, int keyDim, int valueDim, int blockSize, int blocks,
            KvPrecision precision, boolean prefixCache) {
        Objects.requireNonNull(precision, "precision");
        if (layers <= 0 || kvHeads <= 0 || keyDim <= 0 || valueDim <= 0 || blockSize <= 0 || blocks <= 0) {
            throw new IllegalArgumentException("KV cache dimensions must be positive: layers " + layers
                    + ", kv heads " + kvHeads + ", key dim " + keyDim + ", value dim " + valueDim
                    + ", block size " + blockSize + ", blocks " + blocks);
        }
        return new KvBlockPool(layers, kvHeads, keyDim, valueDim, blockSize, blocks, precision, prefixCache);
    }

    /** Bytes of one block. */
    public static long blockBytes(int layers, int kvHeads, int keyDim, int valueDim, int blockSize,
            KvPrecision precision) {
        long perPosition = precision.type().byteSize(keyDim) + precision.type().byteSize(valueDim);
        return Math.multiplyExact(Math.multiplyExact((long) layers * kvHeads, perPosition), (long) blockSize);
    }

    /**
     * A new, empty sequence of at most {@code maxPositions} positions, starting with as much of
     * {@code prompt} as the prefix cache holds (whole blocks, and never the prompt's last token, whose
     * logits the caller needs); the sequence's {@link KvCache#size()} says how much that was. It
     * reserves every block it may need; null when the pool cannot reserve them now.
     *
     * @param prompt the tokens the sequence will start with; may be empty
     * @throws IllegalArgumentException if {@code maxPositions} is not positive, or needs more blocks
     *     than the whole pool holds
     */
    public KvCache newSequence(int maxPositions, int[] prompt) {
        return newSequence(maxPositions, prompt, LoraSet.NONE);
    }

    /**
     * As {@link #newSequence(int, int[])}, for a sequence that applies {@code lora}: it reuses only
     * blocks that sequences applying an equal set filled.
     */
    public synchronized KvCache newSequence(int maxPositions, int[] prompt, LoraSet lora) {
        if (maxPositions <= 0) {
            throw new IllegalArgumentException("a sequence needs at least one position, got " + maxPositions);
        }
        int needed = ceilDiv(maxPositions, blockSize);
        if (needed > blocks) {
            throw new IllegalArgumentException("a sequence of " + maxPositions + " positions needs " + needed
                    + " KV blocks of " + blockSize + "; the pool holds " + blocks);
        }
        int[] reuse = prefixCache ? cachedPrefix(prompt, Math.min(prompt.length - 1, maxPositions), lora) : new int[0];
        int fresh = needed - reuse.length;
        int reusedFromCachedSet = 0;
        for (int b : reuse) {
            if (references[b] == 0) {
                reusedFromCachedSet++;
            }
        }
        if (fresh > available() - reusedFromCachedSet) {
            return null;
        }
        KvCache sequence = new KvCache(this, maxPositions, needed, lora);
        for (int b : reuse) {
            hold(b);
            sequence.attach(b);
        }
        reserved += fresh;
        sequence.reuse(prompt, reuse.length * blockSize);
        return sequence;
    }

    /** Blocks a new sequence could still reserve: unheld ones (cached or not) less those promised. */
    public synchronized int available() {
        return free.size() + cached.size() - reserved;
    }

    /** Blocks held by sequences. */
    public synchronized int used() {
        return blocks - free.size() - cached.size();
    }

    /** Unheld blocks that still hold a reusable prefix. */
    public synchronized int cachedBlocks() {
        return cached.size();
    }

    /** Blocks in the pool. */
    public int blocks() {
        return blocks;
    }

    /** Positions per block. */
    public int blockSize() {
        return blockSize;
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

    public KvPrecision precision() {
        return precision;
    }

    /** Bytes of keys and values the pool may hold off-heap: its budget, in whole blocks. */
    public long byteSize() {
        return blockBytes * blocks;
    }

    /** Frees the memory; the pool and its sequences must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }

    // ---- for KvCache

    Tensor keys(int block, int layer, int kvHead) {
        return keys[index(block, layer, kvHead)];
    }

    Tensor values(int block, int layer, int kvHead) {
        return values[index(block, layer, kvHead)];
    }

    /** Takes one of the sequence's reserved blocks. */
    synchronized int take() {
        if (reserved == 0) {
            throw new IllegalStateException("a sequence took more KV blocks than it reserved");
        }
        reserved--;
        Integer b = free.poll();
        if (b == null) { // the least recently used cached prefix gives way
            b = cached.removeFirst();
            byPrefix.remove(keyOf[b]);
            keyOf[b] = null;
        }
        references[b] = 1;
        if (blockMemory[b] == null) {
            allocate(b);
        }
        return b;
    }

    /**
     * Registers a block the sequence filled, after {@code parent} (the previous block's key, null
     * for the first block, whose key holds the sequence's adapters {@code lora} instead), under the
     * tokens it holds; returns the block's key. When another block already holds the same prefix,
     * the new one simply stays unregistered.
     */
    synchronized BlockKey register(int block, BlockKey parent, LoraSet lora, int[] tokens, int from) {
        if (!prefixCache) {
            return null;
        }
        BlockKey key = new BlockKey(parent, lora, Arrays.copyOfRange(tokens, from, from + blockSize));
        Integer existing = byPrefix.get(key);
        if (existing != null) {
            return keyOf[existing];
        }
        byPrefix.put(key, block);
        keyOf[block] = key;
        return key;
    }

    private void allocate(int b) {
        blockMemory[b] = arena.allocate(blockBytes, 64);
        long at = 0;
        for (int l = 0; l < layers; l++) {
            for (int g = 0; g < kvHeads; g++) {
                int i = index(b, l, g);
                keys[i] = new Tensor("cache.k." + l + "." + g + "#" + b, precision.type(),
                        Shape.of(keyDim, blockSize), blockMemory[b].asSlice(at, keyBytes));
                at += keyBytes;
                values[i] = new Tensor("cache.v." + l + "." + g + "#" + b, precision.type(),
                        Shape.of(valueDim, blockSize), blockMemory[b].asSlice(at, valueBytes));
                at += valueBytes;
            }
        }
    }

    /** The key a reused block was registered under. */
    synchronized BlockKey keyOf(int block) {
        return keyOf[block];
    }

    /** Whether another sequence holds {@code block} too. */
    synchronized boolean shared(int block) {
        return references[block] > 1;
    }

    /** Removes a block's registration, before its owner writes into it again. */
    synchronized void unregister(int block) {
        if (keyOf[block] != null) {
            byPrefix.remove(keyOf[block]);
            keyOf[block] = null;
        }
    }

    /** Copies a whole block's keys and values. */
    void copy(int from, int to) {
        MemorySegment.copy(blockMemory[from], 0, blockMemory[to], 0, blockMemory[from].byteSize());
    }

    /** A sequence lets go of a block it holds. */
    synchronized void release(int block) {
        if (--references[block] == 0) {
            if (keyOf[block] != null) {
                cached.add(block);
            } else {
                free.add(block);
            }
        }
    }

    /** Promises {@code count} more blocks to a sequence. */
    synchronized void reserve(int count) {
        reserved += count;
    }

    /** A sequence gives back blocks it reserved and never took. */
    synchronized void unreserve(int count) {
        reserved -= count;
    }

    private void hold(int block) {
        if (references[block]++ == 0) {
            cached.remove(block);
        }
    }

    /**
     * The blocks holding the longest cached prefix of {@code prompt[0 .. limit)} that sequences
     * applying {@code lora} filled, whole blocks only.
     */
    private int[] cachedPrefix(int[] prompt, int limit, LoraSet lora) {
        int[] found = new int[Math.max(0, limit) / blockSize];
        BlockKey parent = null;
        int n = 0;
        for (; n < found.length; n++) {
            Integer b = byPrefix.get(new BlockKey(parent, lora, Arrays.copyOfRange(prompt, n * blockSize, (n + 1) * blockSize)));
            if (b == null) {
                break;
            }
            found[n] = b;
            parent = keyOf[b];
        }
        return Arrays.copyOf(found, n);
    }

    private int index(int block, int layer, int kvHead) {
        return (block * layers + layer) * kvHeads + kvHead;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * A block's prefix: the tokens it holds after those of its parent block, or for a sequence's
     * first block, after nothing but the adapters that computed it. Parents compare by identity
     * (each registered key is the one instance in the map), so equality and hashing cost one
     * block's tokens, not the whole prefix's.
     */
    static final class BlockKey {
        private final BlockKey parent;
        private final LoraSet lora; // the first block's adapters; null below it, where the parent says
        private final int[] tokens;
        private final int hash;

        BlockKey(BlockKey parent, LoraSet lora, int[] tokens) {
            this.parent = parent;
            this.lora = parent == null ? lora : null;
            this.tokens = tokens;
            this.hash = 31 * (System.identityHashCode(parent) + Objects.hashCode(this.lora)) + Arrays.hashCode(tokens);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BlockKey other && other.parent == parent && Objects.equals(other.lora, lora)
                    && Arrays.equals(other.tokens, tokens);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
