package dev.hearth.model.runtime;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Blocks, reservations and prefix reuse of the paged KV cache, on a pool of 1 layer, 1 head. */
class KvBlockPoolTest {
    private static final int BLOCK = 4;

    private static KvBlockPool pool(int blocks) {
        return KvBlockPool.allocate(1, 1, 2, 2, BLOCK, blocks, KvPrecision.F32, true);
    }

    /** Fills the sequence with {@code tokens}, storing each token's id as its key, as a forward pass would. */
    private static void fill(KvCache cache, int... tokens) {
        cache.requireRoom(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            float id = tokens[i];
            cache.store(0, 0, cache.size() + i, new float[] {id, id}, 0, new float[] {-id, -id}, 0);
        }
        cache.advance(tokens, 0, tokens.length);
    }

    private static float keyAt(KvCache cache, int position) {
        float[] row = new float[2];
        cache.keys(0).get(position / BLOCK).dequantizeRow(position % BLOCK, row, 0);
        return row[0];
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    @Test
    void takesABlockEveryBlockSizePositionsAndGivesThemBackOnClose() {
        try (KvBlockPool pool = pool(8)) {
            KvCache cache = pool.newSequence(12, new int[0]);
            assertThat(pool.available()).isEqualTo(5); // 3 reserved
            assertThat(pool.used()).isZero();
            fill(cache, range(0, 5));
            assertThat(pool.used()).isEqualTo(2);
            assertThat(cache.keys(0)).hasSize(2);
            assertThat(keyAt(cache, 4)).isEqualTo(4f);
            cache.close();
            assertThat(pool.used()).isZero();
            assertThat(pool.available()).isEqualTo(8);
        }
    }

    @Test
    void refusesASequenceWhoseBlocksCannotBeReserved() {
        try (KvBlockPool pool = pool(4)) {
            KvCache first = pool.newSequence(12, new int[0]);
            assertThat(pool.newSequence(8, new int[0])).isNull();
            assertThat(pool.newSequence(4, new int[0])).isNotNull();
            first.close();
            assertThatThrownBy(() -> pool.newSequence(20, new int[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs 5 KV blocks of 4; the pool holds 4");
        }
    }

    @Test
    void aLaterSequenceReusesTheFilledBlocksOfACommonPrefixButNeverThePromptsLastToken() {
        try (KvBlockPool pool = pool(16)) {
            KvCache first = pool.newSequence(16, new int[0]);
            fill(first, range(100, 110)); // blocks [100..103] [104..107] registered, [108, 109] partial
            // the same first 9 tokens: two whole blocks are cached, and 8 < 9 - 1 leaves the last token to run
            KvCache second = pool.newSequence(16, range(100, 109));
            assertThat(second.size()).isEqualTo(8);
            assertThat(keyAt(second, 7)).isEqualTo(107f);
            assertThat(pool.used()).isEqualTo(3); // shared, not copied
            // a prompt of exactly 8 tokens reuses one block only: its last token must run
            KvCache third = pool.newSequence(16, range(100, 108));
            assertThat(third.size()).isEqualTo(4);
            // a prompt that differs inside the first block reuses nothing
            int[] other = range(100, 109);
            other[2] = 7;
            KvCache fourth = pool.newSequence(16, other);
            assertThat(fourth.size()).isZero();
            first.close();
            second.close();
            third.close();
            fourth.close();
        }
    }

    @Test
    void closedSequencesLeaveTheirPrefixCachedUntilTheMemoryIsNeeded() {
        try (KvBlockPool pool = pool(4)) {
            KvCache first = pool.newSequence(8, new int[0]);
            fill(first, range(0, 8));
            first.close();
            assertThat(pool.cachedBlocks()).isEqualTo(2);
            assertThat(pool.available()).isEqualTo(4);
            KvCache again = pool.newSequence(16, range(0, 12));
            assertThat(again.size()).isEqualTo(8);
            assertThat(keyAt(again, 5)).isEqualTo(5f);
            again.close();
            // a sequence that needs every block evicts the cached prefix and writes over it
            KvCache big = pool.newSequence(16, new int[0]);
            fill(big, range(50, 66));
            assertThat(pool.cachedBlocks()).isZero();
            big.close();
            KvCache after = pool.newSequence(16, range(0, 12));
            assertThat(after.size()).isZero();
            after.close();
        }
    }

    @Test
    void truncatingIntoASharedBlockCopiesItSoTheOtherSequenceKeepsItsKeys() {
        try (KvBlockPool pool = pool(8)) {
            KvCache first = pool.newSequence(8, new int[0]);
            fill(first, range(0, 8));
            KvCache second = pool.newSequence(8, range(0, 6));
            assertThat(second.size()).isEqualTo(4);
            fill(second, 4, 5);
            assertThat(pool.used()).isEqualTo(3);
            first.truncate(2);
            fill(first, 90, 91);
            assertThat(keyAt(first, 2)).isEqualTo(90f);
            assertThat(keyAt(second, 2)).isEqualTo(2f);
            assertThat(pool.used()).isEqualTo(3); // first let go of its second block and copied the first
            first.close();
            second.close();
            assertThat(pool.used()).isZero();
            assertThat(pool.available()).isEqualTo(8);
        }
    }
}
