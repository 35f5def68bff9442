package dev.hearth.train.tokenizer;

import dev.hearth.model.tokenizer.ByteLevelAlphabet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The BPE training loop: every distinct word starts as one symbol per byte, and the adjacent pair
 * that occurs most often in the corpus (a word's pairs count as often as the word) becomes one
 * symbol, again and again.
 *
 * <p>Counts are kept up to date rather than recounted: each pair knows its count and the words
 * it may occur in, so a merge only revisits those words and changes the counts of the pairs
 * around each occurrence. A priority queue orders the pairs by count; its entries go stale as
 * counts change and are checked when they come out (a lower count goes back in, a higher one
 * was pushed when it rose). Among equally frequent pairs the one whose left symbol's bytes, then
 * right symbol's bytes, sort first (unsigned) wins, so a corpus always gives the same merges.
 *
 * <p>A pair whose joined text is a special token, or already a symbol (should the same bytes be
 * buildable two ways), is never merged: every token is made by exactly one merge, and a word ends
 * up cut exactly as the tokenizer's encoder, which applies the merges by rank, will cut it.
 *
 * <p>Symbols are numbered as the tokens will be: byte {@code b} is symbol {@code b}, the symbol
 * of the {@code n}-th merge is {@code 256 + n}. Not thread-safe; {@link #learn} runs once.
 */
final class MergeLearner {
    private static final int HASH_SPREAD = 0x9E3779B9; // 2^32 / the golden ratio: spreads multiples well
    private final List<byte[]> symbolBytes = new ArrayList<>(); // symbol → the bytes it stands for
    private final List<String> symbolTexts = new ArrayList<>(); // symbol → its text in the byte alphabet
    private final Set<String> takenTexts = new HashSet<>();     // symbols' texts and the special tokens
    private final int[][] words;   // distinct word → its symbols; the first wordLengths[w] are live
    private final int[] wordLengths;
    private final long[] wordCounts;
    private final int[] visitedBy; // distinct word → the merge that last rewrote it, +1
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(
            Comparator.comparingLong(Candidate::count).reversed()
                    .thenComparing((a, b) -> Arrays.compareUnsigned(symbolBytes.get(a.left()), symbolBytes.get(b.left())))
                    .thenComparing((a, b) -> Arrays.compareUnsigned(symbolBytes.get(a.right()), symbolBytes.get(b.right()))));
    private final List<TrainedTokenizer.Merge> merges = new ArrayList<>();
    private final long corpusBytes;

    /** A pair's count and the words it may occur in (some of which may have lost it since). */
    private static final class PairStats {
        long count;
        boolean unmergeable; // its text is taken: counted on, never queued again
        int[] words = new int[4];
        int wordCount;

        void addWord(int word) {
            if (wordCount > 0 && words[wordCount - 1] == word) {
                return; // the same word adds each of its occurrences in turn
            }
            if (wordCount == words.length) {
                words = Arrays.copyOf(words, wordCount * 2);
            }
            words[wordCount++] = word;
        }
    }

    /** A queue entry: {@code count} was the pair's count when it was pushed. */
    private record Candidate(long count, int left, int right) {}

    /** What training made: the merges in rank order, and how the corpus's words ended up cut. */
    record Learned(List<TrainedTokenizer.Merge> merges, List<String> tokens, long corpusBytes, long wordTokens,
            boolean stoppedEarly) {}

    MergeLearner(WordCounts counts) {
        for (int b = 0; b < TrainedTokenizer.BYTE_TOKENS; b++) {
            addSymbol(new byte[] {(byte) b});
        }
        takenTexts.addAll(counts.specialTokens());
        int n = (int) counts.distinctWords();
        words = new int[n][];
        wordLengths = new int[n];
        wordCounts = new long[n];
        visitedBy = new int[n];
        int[] next = {0};
        counts.forEach((word, count) -> {
            byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
            int w = next[0]++;
            words[w] = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                words[w][i] = utf8[i] & 0xFF;
            }
            wordLengths[w] = utf8.length;
            wordCounts[w] = count;
        });
        long bytes = 0;
        for (int w = 0; w < n; w++) {
            bytes += wordCounts[w] * wordLengths[w];
            for (int i = 0; i + 1 < wordLengths[w]; i++) {
                PairStats stats = pairs.computeIfAbsent(pair(words[w][i], words[w][i + 1]), p -> new PairStats());
                stats.count += wordCounts[w];
                stats.addWord(w);
            }
        }
        corpusBytes = bytes;
        pairs.forEach((pair, stats) -> queue.add(new Candidate(stats.count, left(pair), right(pair))));
    }

    /**
     * Merges until {@code mergesWanted} merges are made, or no pair that may be merged occurs
     * {@code minFrequency} times.
     */
    Learned learn(int mergesWanted, int minFrequency, TrainingListener listener) {
        boolean stoppedEarly = false;
        while (merges.size() < mergesWanted) {
            Candidate best = queue.poll();
            if (best == null) {
                stoppedEarly = true;
                break;
            }
            long pair = pair(best.left(), best.right());
            PairStats stats = pairs.get(pair);
            if (stats != null && stats.unmergeable) {
                continue; // an entry pushed before its text turned out to be taken
            }
            long count = stats == null ? 0 : stats.count;
            if (best.count() != count) {
                if (count > 0 && count < best.count()) {
                    queue.add(new Candidate(count, best.left(), best.right()));
                }
                continue;
            }
            if (count < minFrequency) {
                stoppedEarly = true;
                break;
            }
            byte[] joined = concat(symbolBytes.get(best.left()), symbolBytes.get(best.right()));
            if (takenTexts.contains(alphabetText(joined))) {
                stats.unmergeable = true;
                continue;
            }
            merge(pair, stats, addSymbol(joined));
            listener.merged(merges.size(), mergesWanted);
        }
        long wordTokens = 0;
        for (int w = 0; w < words.length; w++) {
            wordTokens += wordCounts[w] * wordLengths[w];
        }
        return new Learned(merges, symbolTexts, corpusBytes, wordTokens, stoppedEarly);
    }

    private int addSymbol(byte[] bytes) {
        symbolBytes.add(bytes);
        String text = alphabetText(bytes);
        symbolTexts.add(text);
        takenTexts.add(text);
        return symbolTexts.size() - 1;
    }

    /** Replaces every occurrence of {@code pair} by {@code merged}, word by word, left to right. */
    private void merge(long pair, PairStats stats, int merged) {
        int a = left(pair);
        int b = right(pair);
        merges.add(new TrainedTokenizer.Merge(symbolTexts.get(a), symbolTexts.get(b)));
        pairs.remove(pair);
        Set<Long> rose = new HashSet<>();
        int visit = merges.size();
        for (int k = 0; k < stats.wordCount; k++) {
            int w = stats.words[k];
            if (visitedBy[w] == visit) {
                continue;
            }
            visitedBy[w] = visit;
            int[] s = words[w];
            int n = wordLengths[w];
            long c = wordCounts[w];
            for (int i = 0; i + 1 < n; i++) {
                if (s[i] != a || s[i + 1] != b) {
                    continue;
                }
                // … x a b y …  becomes  … x ab y …
                if (i > 0) {
                    change(pair(s[i - 1], a), -c, w, rose);
                    change(pair(s[i - 1], merged), c, w, rose);
                }
                if (i + 2 < n) {
                    change(pair(b, s[i + 2]), -c, w, rose);
                    change(pair(merged, s[i + 2]), c, w, rose);
                }
                s[i] = merged;
                System.arraycopy(s, i + 2, s, i + 1, n - i - 2);
                n--;
            }
            wordLengths[w] = n;
        }
        for (long risen : rose) {
            PairStats now = pairs.get(risen);
            if (now != null && !now.unmergeable) {
                queue.add(new Candidate(now.count, left(risen), right(risen)));
            }
        }
    }

    /** Adds {@code delta} to a pair's count in word {@code w}; a pair that rose is noted for the queue. */
    private void change(long pair, long delta, int w, Set<Long> rose) {
        PairStats stats = pairs.get(pair);
        if (stats == null) {
            if (delta < 0) {
                return; // the pair being merged, whose occurrences overlap (a a a)
            }
            stats = new PairStats();
            pairs.put(pair, stats);
        }
        stats.count += delta;
        if (delta > 0) {
            stats.addWord(w);
            rose.add(pair);
        } else if (stats.count == 0) {
            pairs.remove(pair);
        }
    }

    private static String alphabetText(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = ByteLevelAlphabet.charOf(bytes[i]);
        }
        return new String(chars);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /**
     * A pair as one {@code long}: the left symbol in the high half, the right one plus a multiple
     * of the left in the low half. {@code Long.hashCode} is high ^ low, which for plain halves would
     * give every pair with the same {@code left ^ right} ((a, b) and (b, a) among them) one bucket.
     */
    private static long pair(int left, int right) {
        return (long) left << 32 | ((right + left * HASH_SPREAD) & 0xFFFF_FFFFL);
    }

    private static int left(long pair) {
        return (int) (pair >>> 32);
    }

    private static int right(long pair) {
        return (int) pair - left(pair) * HASH_SPREAD;
    }
}
