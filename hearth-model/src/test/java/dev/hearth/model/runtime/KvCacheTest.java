package dev.hearth.model.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvCacheTest {

    @Test
    void storesEachPositionAsARowOfItsLayersAndHeadsMatrices() {
        try (KvCache cache = KvCache.allocate(2, 3, 4, 8, 5, KvPrecision.F32)) {
            float[] k = {1, 2, 3, 4};
            float[] v = {9, 8, 7, 6, 5, 4, 3, 2};
            cache.requireRoom(4);
            cache.store(1, 2, 3, k, 0, v, 0);
            float[] row = new float[8];
            cache.keys(1).get(2).dequantizeRow(3, row, 0);
            assertThat(row).startsWith(k);
            cache.values(1).get(2).dequantizeRow(3, row, 0);
            assertThat(row).containsExactly(v);
            cache.keys(0).get(2).dequantizeRow(3, row, 0);
            assertThat(row).startsWith(0, 0, 0, 0);
            assertThat(cache.keys(1)).hasSize(3); // one block per head: the whole capacity of 5, contiguous
            assertThat(cache.keys(1).get(2).rows()).isEqualTo(5);
            assertThat(cache.keys(1).get(2).cols()).isEqualTo(4);
        }
    }

    @Test
    void f16RoundsToHalfPrecisionInHalfTheBytes() {
        try (KvCache f16 = KvCache.allocate(1, 1, 4, 4, 2, KvPrecision.F16);
             KvCache f32 = KvCache.allocate(1, 1, 4, 4, 2, KvPrecision.F32)) {
            f16.requireRoom(2);
            f16.store(0, 0, 1, new float[] {1f / 3, 65504f, -2.5f, 1e-8f}, 0, new float[4], 0);
            float[] row = new float[4];
            f16.keys(0).getFirst().dequantizeRow(1, row, 0);
            assertThat(row).containsExactly(0.33325195f, 65504f, -2.5f, 0f);
            assertThat(f16.byteSize() * 2).isEqualTo(f32.byteSize()).isEqualTo(2 * 4 * 2 * 4);
        }
    }

    /**
     * A cache for a whole context takes its memory a block of {@value KvCache#OWN_BLOCK} positions
     * at a time, as positions are needed: a 32k-position cache for a short prompt holds one block.
     */
    @Test
    void aLargeCacheTakesItsBlocksAsPositionsAreNeeded() {
        try (KvCache cache = KvCache.allocate(2, 2, 64, 64, 32768, KvPrecision.F16)) {
            assertThat(cache.keys(0)).isEmpty();
            assertThat(cache.byteSize()).isEqualTo(2L * 2 * (64 + 64) * 2 * 32768); // what it may hold, when full
            cache.requireRoom(3);
            assertThat(cache.keys(0)).hasSize(2); // one block per KV head
            assertThat(cache.keys(0).getFirst().rows()).isEqualTo(KvCache.OWN_BLOCK);
            float[] key = new float[64];
            key[5] = 1.5f;
            cache.store(1, 1, 2, key, 0, new float[64], 0);
            cache.advance(new int[] {1, 2, 3}, 0, 3);
            cache.requireRoom(KvCache.OWN_BLOCK);
            assertThat(cache.keys(0)).hasSize(4); // the positions from 3 on reach into a second block
            cache.store(0, 0, KvCache.OWN_BLOCK + 2, key, 0, key, 0);
            float[] row = new float[64];
            cache.keys(1).get(1).dequantizeRow(2, row, 0);
            assertThat(row[5]).isEqualTo(1.5f);
            cache.values(0).get(2).dequantizeRow(2, row, 0); // block 1 of KV head 0, its row 2
            assertThat(row[5]).isEqualTo(1.5f);
        }
        assertThat(KvCache.bytes(1, 1, 4, 4, 1000, KvPrecision.F32)).isEqualTo(2L * 512 * 4 * 8);
    }

    @Test
    void advancesTruncatesAndRefusesOverflow() {
        try (KvCache cache = KvCache.allocate(1, 1, 2, 2, 4, KvPrecision.F32)) {
            cache.advance(new int[] {5, 6, 7}, 0, 3);
            assertThat(cache.size()).isEqualTo(3);
            assertThat(cache.remaining()).isEqualTo(1);
            assertThatThrownBy(() -> cache.advance(new int[] {1, 2}, 0, 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds 3 of 4 positions; 2 more do not fit");
            cache.truncate(1);
            assertThat(cache.size()).isEqualTo(1);
            assertThatThrownBy(() -> cache.truncate(2)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.store(0, 0, 4, new float[2], 0, new float[2], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            cache.clear();
            assertThat(cache.size()).isZero();
        }
    }
}
