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
            cache.store(1, 2, 3, k, 0, v, 0);
            float[] row = new float[8];
            cache.keys(1).get(2).dequantizeRow(3, row, 0);
            assertThat(row).startsWith(k);
            cache.values(1).get(2).dequantizeRow(3, row, 0);
            assertThat(row).containsExactly(v);
            cache.keys(0).get(2).dequantizeRow(3, row, 0);
            assertThat(row).startsWith(0, 0, 0, 0);
            assertThat(cache.keys(1)).hasSize(3); // one block per head: the whole capacity, contiguous
            assertThat(cache.keys(1).get(2).rows()).isEqualTo(5);
            assertThat(cache.keys(1).get(2).cols()).isEqualTo(4);
        }
    }

    @Test
    void f16RoundsToHalfPrecisionInHalfTheBytes() {
        try (KvCache f16 = KvCache.allocate(1, 1, 4, 4, 2, KvPrecision.F16);
             KvCache f32 = KvCache.allocate(1, 1, 4, 4, 2, KvPrecision.F32)) {
            f16.store(0, 0, 1, new float[] {1f / 3, 65504f, -2.5f, 1e-8f}, 0, new float[4], 0);
            float[] row = new float[4];
            f16.keys(0).getFirst().dequantizeRow(1, row, 0);
            assertThat(row).containsExactly(0.33325195f, 65504f, -2.5f, 0f);
            assertThat(f16.byteSize() * 2).isEqualTo(f32.byteSize()).isEqualTo(2 * 4 * 2 * 4);
        }
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
