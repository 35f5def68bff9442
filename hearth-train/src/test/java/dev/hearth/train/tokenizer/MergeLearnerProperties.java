package dev.hearth.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.tokenizer.ByteLevelAlphabet;
import dev.hearth.train.tokenizer.TrainedTokenizer.Merge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The incremental trainer against BPE training as its definition reads: before every merge, count
 * every adjacent pair of every word again, take the most frequent (ties to the pair whose left,
 * then right, bytes sort first), skip pairs whose text is already taken, and merge it everywhere,
 * left to right.
 */
class MergeLearnerProperties {

    /** Few distinct characters, so that pairs repeat, overlap (aaa) and tie, and texts can be built two ways. */
    @Provide
    Arbitrary<List<String>> texts() {
        return Arbitraries.of("a", "b", "c", "ab", "bc", "aaa", " ", "  ", "é", "中", "\n", "1", ".")
                .list().ofMaxSize(25).map(l -> String.join("", l))
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void learnsTheMergesOfTheNaiveDefinition(@ForAll("texts") List<String> texts,
            @ForAll @IntRange(min = 1, max = 60) int mergesWanted, @ForAll @IntRange(min = 1, max = 3) int minFrequency,
            @ForAll boolean withSpecial) {
        // "Ġa" is never cut from these texts (no Ġ in them), so it only blocks the merge "Ġ a"
        List<String> specials = withSpecial ? List.of("Ġa") : List.of();
        WordCounts counts = new WordCounts(specials);
        texts.forEach(counts::add);
        TrainingResult result = BpeTrainer.train(counts,
                new BpeTrainingOptions(256 + specials.size() + mergesWanted, minFrequency, specials), TrainingListener.NONE);

        Naive naive = new Naive(counts, specials);
        List<Merge> expected = naive.learn(mergesWanted, minFrequency);
        assertThat(result.tokenizer().merges()).isEqualTo(expected);
        assertThat(result.stoppedEarly()).isEqualTo(expected.size() < mergesWanted);
        assertThat(result.corpusTokens()).isEqualTo(naive.tokens());
    }

    /** Symbols are their bytes as ISO-8859-1 strings, whose natural order is unsigned byte order. */
    private static final class Naive {
        private final List<List<String>> words = new ArrayList<>();
        private final List<Long> counts = new ArrayList<>();
        private final Set<String> taken = new HashSet<>();

        Naive(WordCounts wordCounts, List<String> specials) {
            wordCounts.forEach((word, count) -> {
                List<String> symbols = new ArrayList<>();
                for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(latin1(new byte[] {b}));
                }
                words.add(symbols);
                counts.add(count);
            });
            for (int b = 0; b < 256; b++) {
                taken.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
            }
            taken.addAll(specials);
        }

        List<Merge> learn(int mergesWanted, int minFrequency) {
            List<Merge> merges = new ArrayList<>();
            while (merges.size() < mergesWanted) {
                Map<List<String>, Long> pairs = new HashMap<>();
                for (int w = 0; w < words.size(); w++) {
                    List<String> s = words.get(w);
                    for (int i = 0; i + 1 < s.size(); i++) {
                        pairs.merge(List.of(s.get(i), s.get(i + 1)), counts.get(w), Long::sum);
                    }
                }
                List<String> best = null;
                long bestCount = 0;
                for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
                    List<String> pair = e.getKey();
                    if (taken.contains(alphabet(pair.get(0) + pair.get(1)))) {
                        continue;
                    }
                    if (best == null || e.getValue() > bestCount || (e.getValue() == bestCount && before(pair, best))) {
                        best = pair;
                        bestCount = e.getValue();
                    }
                }
                if (best == null || bestCount < minFrequency) {
                    break;
                }
                String joined = best.get(0) + best.get(1);
                taken.add(alphabet(joined));
                merges.add(new Merge(alphabet(best.get(0)), alphabet(best.get(1))));
                for (List<String> s : words) {
                    for (int i = 0; i + 1 < s.size(); i++) {
                        if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                            s.set(i, joined);
                            s.remove(i + 1);
                        }
                    }
                }
            }
            return merges;
        }

        long tokens() {
            long tokens = 0;
            for (int w = 0; w < words.size(); w++) {
                tokens += words.get(w).size() * counts.get(w);
            }
            return tokens;
        }

        private static boolean before(List<String> a, List<String> b) {
            int left = a.get(0).compareTo(b.get(0));
            return left < 0 || (left == 0 && a.get(1).compareTo(b.get(1)) < 0);
        }

        private static String latin1(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        private static String alphabet(String latin1) {
            StringBuilder text = new StringBuilder();
            for (char c : latin1.toCharArray()) {
                text.append(ByteLevelAlphabet.charOf(c));
            }
            return text.toString();
        }
    }
}
