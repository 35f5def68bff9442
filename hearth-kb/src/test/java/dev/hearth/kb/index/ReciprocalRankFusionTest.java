package dev.hearth.kb.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    @Test
    void sumsReciprocalRanksOverBothLists() {
        List<ReciprocalRankFusion.Fused> fused = ReciprocalRankFusion.fuse(List.of(10, 20, 30), List.of(30, 40));
        assertThat(fused).extracting(ReciprocalRankFusion.Fused::doc).containsExactly(30, 10, 20, 40);
        // 20 and 40 tie at 1/62 and a best rank of 2: the lower document goes first
        ReciprocalRankFusion.Fused both = fused.getFirst();
        assertThat(both.score()).isEqualTo(1.0 / 63 + 1.0 / 61);
        assertThat(both.lexicalRank()).isEqualTo(3);
        assertThat(both.vectorRank()).isEqualTo(1);
    }

    @Test
    void breaksTiesByBestRankThenDocument() {
        // 7 and 8 are both first in one list: equal scores, equal best ranks, so the lower document wins
        assertThat(ReciprocalRankFusion.fuse(List.of(8), List.of(7)))
                .extracting(ReciprocalRankFusion.Fused::doc).containsExactly(7, 8);
    }

    @Test
    void fusesEmptyLists() {
        assertThat(ReciprocalRankFusion.fuse(List.of(), List.of())).isEmpty();
        assertThat(ReciprocalRankFusion.fuse(List.of(), List.of(5))).singleElement()
                .satisfies(f -> assertThat(f.lexicalRank()).isZero());
    }
}
