package dev.hearth.kb.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a document's score is the sum over
 * the ranked lists it is in of {@code 1 / (K + rank)}, rank from 1. It needs no score normalisation,
 * which matters here: BM25 scores are unbounded and cosines are not comparable to them.
 */
final class ReciprocalRankFusion {
    /** The paper's constant; it keeps the top few ranks of one list from outweighing agreement of both. */
    static final int K = 60;

    /**
     * A fused document: its score and its 1-based rank in each list, 0 where absent.
     */
    record Fused(int doc, double score, int lexicalRank, int vectorRank) {
        int bestRank() {
            if (lexicalRank == 0) {
                return vectorRank;
            }
            return vectorRank == 0 ? lexicalRank : Math.min(lexicalRank, vectorRank);
        }
    }

    private ReciprocalRankFusion() {}

    /**
     * Fuses two ranked lists of document numbers, best first each, into one, best first. Ties go to the
     * document with the better single rank, then to the lower document number, so the order is stable.
     */
    static List<Fused> fuse(List<Integer> lexical, List<Integer> vector) {
        Map<Integer, int[]> ranks = new LinkedHashMap<>();
        for (int i = 0; i < lexical.size(); i++) {
            ranks.computeIfAbsent(lexical.get(i), d -> new int[2])[0] = i + 1;
        }
        for (int i = 0; i < vector.size(); i++) {
            ranks.computeIfAbsent(vector.get(i), d -> new int[2])[1] = i + 1;
        }
        List<Fused> fused = new ArrayList<>(ranks.size());
        ranks.forEach((doc, r) -> fused.add(new Fused(doc, contribution(r[0]) + contribution(r[1]), r[0], r[1])));
        fused.sort(Comparator.comparingDouble(Fused::score).reversed()
                .thenComparingInt(Fused::bestRank)
                .thenComparingInt(Fused::doc));
        return fused;
    }

    private static double contribution(int rank) {
        return rank == 0 ? 0 : 1.0 / (K + rank);
    }
}
