package dev.hearth.model.synth;

import dev.hearth.model.tokenizer.ByteLevelAlphabet;
import dev.hearth.model.tokenizer.TokenType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A byte-level BPE vocabulary with a real one's layout and a made-up merge list.
 *
 * <p>Ids {@code 0 .. 255} are the 256 characters of GPT-2's byte alphabet in code-point order, as in
 * GPT-2, Qwen and Llama 3 ({@code Ġ}, the space, is 220). Then come merged tokens: words as a
 * letter-frequency model of English would rank them, most likely first, each optionally led by
 * {@code Ġ} ({@code Ġt}, {@code Ġa}, {@code he}, {@code Ġthe}, …). Every merged token is its
 * one-shorter prefix merged with its last letter, and its merge's rank is its order, so each merge
 * joins two tokens that exist before it and makes the next token; text the merges do not cover
 * falls back to byte tokens. Then the family's special tokens, then {@code [PADn]} (unused) up to
 * the vocabulary size, as llama.cpp's converter pads a vocabulary smaller than the embedding.
 *
 * @param tokens token texts by id
 * @param types token types by id
 * @param merges {@code "left right"} by rank
 */
record SyntheticVocabulary(List<String> tokens, TokenType[] types, List<String> merges) {

    private static final char SPACE = ByteLevelAlphabet.charOf(' ');
    private static final String LOWER = "etaoinshrdlcumwfgypbvkjxqz";
    // English letter frequencies in percent, in the order of LOWER
    private static final double[] FREQUENCIES = {12.70, 9.06, 8.17, 7.51, 6.97, 6.75, 6.33, 6.09, 5.99, 4.25,
            4.03, 2.78, 2.76, 2.41, 2.36, 2.23, 2.02, 1.97, 1.93, 1.29, 0.98, 0.77, 0.15, 0.15, 0.10, 0.07};
    // how a word starts: after a space, in lower case, capitalised; a word after a space is capitalised this often
    private static final double SPACE_FIRST = 0.35;
    private static final double LOWER_FIRST = 0.45;
    private static final double UPPER_FIRST = 0.20;
    private static final double CAPITALISED = 0.2;
    /** The letters inside a word. */
    private static final Alphabet IN_WORD = Alphabet.of(1, 0);
    /** The first letter after a space. */
    private static final Alphabet AFTER_SPACE = Alphabet.of(1 - CAPITALISED, CAPITALISED);

    // the walk's order does not depend on how far it goes, so the longest walk so far serves every preset
    private static List<String> longestWalk = List.of();

    static SyntheticVocabulary of(Preset preset) {
        int merged = preset.normalTokens() - 256;
        List<String> tokens = new ArrayList<>(preset.vocabularySize());
        List<String> merges = new ArrayList<>(merged);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        tokens.sort(null); // code-point order: '!' is 0 and 'Ġ' (a space) 220, as in GPT-2's vocabulary
        for (String word : likeliestWords(merged)) {
            tokens.add(word);
            merges.add(word.substring(0, word.length() - 1) + " " + word.charAt(word.length() - 1));
        }
        tokens.addAll(preset.family().specialTokens());
        while (tokens.size() < preset.vocabularySize()) {
            tokens.add("[PAD" + tokens.size() + "]");
        }
        TokenType[] types = new TokenType[tokens.size()];
        int specialsEnd = preset.normalTokens() + preset.family().specialTokens().size();
        for (int id = 0; id < types.length; id++) {
            types[id] = id < preset.normalTokens() ? TokenType.NORMAL
                    : id < specialsEnd ? Family.typeOf(tokens.get(id)) : TokenType.UNUSED;
        }
        return new SyntheticVocabulary(List.copyOf(tokens), types, List.copyOf(merges));
    }

    /** The id of {@code text}, which must be one of the special tokens. */
    int id(String text) {
        int id = tokens.indexOf(text);
        if (id < 0) {
            throw new IllegalArgumentException(text + " is not in the vocabulary");
        }
        return id;
    }

    /** The {@code n} likeliest words, from the longest walk so far if it went far enough. */
    private static synchronized List<String> likeliestWords(int n) {
        if (longestWalk.size() < n) {
            longestWalk = List.copyOf(walk(n));
        }
        return longestWalk.subList(0, n);
    }

    /**
     * The {@code n} likeliest strings of two or more characters under the letter model, likeliest
     * first (ties in string order). Each is longer than, so less likely than, its prefix, so every
     * prefix comes first: a best-first walk of the tree of strings, where a popped string pushes its
     * first child and its next sibling (children are tried most likely first). Inside a word come
     * lower-case letters; right after a space, capitals too.
     */
    private static List<String> walk(int n) {
        PriorityQueue<Candidate> queue = new PriorityQueue<>();
        queue.add(Candidate.first(String.valueOf(SPACE), Math.log(SPACE_FIRST), AFTER_SPACE));
        for (int i = 0; i < LOWER.length(); i++) {
            double letter = Math.log(FREQUENCIES[i] / 100);
            queue.add(Candidate.first(String.valueOf(LOWER.charAt(i)), Math.log(LOWER_FIRST) + letter, IN_WORD));
            queue.add(Candidate.first(String.valueOf(Character.toUpperCase(LOWER.charAt(i))),
                    Math.log(UPPER_FIRST) + letter, IN_WORD));
        }
        List<String> words = new ArrayList<>(n);
        while (words.size() < n) {
            Candidate c = queue.poll();
            words.add(c.word());
            queue.add(Candidate.first(c.word(), c.logProbability(), IN_WORD));
            if (c.letter() + 1 < c.alphabet().letters().length()) {
                queue.add(c.nextSibling());
            }
        }
        return words;
    }

    /** Letters that may follow a prefix, most likely first, with their log-probabilities. */
    private record Alphabet(String letters, double[] logs) {

        /** Lower-case letters with weight {@code lower}, capitals with weight {@code upper}, by frequency. */
        static Alphabet of(double lower, double upper) {
            List<Character> letters = new ArrayList<>();
            Map<Character, Double> probability = new HashMap<>();
            for (int i = 0; i < LOWER.length(); i++) {
                letters.add(LOWER.charAt(i));
                probability.put(LOWER.charAt(i), lower * FREQUENCIES[i] / 100);
                if (upper > 0) {
                    letters.add(Character.toUpperCase(LOWER.charAt(i)));
                    probability.put(Character.toUpperCase(LOWER.charAt(i)), upper * FREQUENCIES[i] / 100);
                }
            }
            letters.sort((x, y) -> Double.compare(probability.get(y), probability.get(x)));
            StringBuilder text = new StringBuilder();
            double[] logs = new double[letters.size()];
            for (int i = 0; i < logs.length; i++) {
                text.append(letters.get(i));
                logs[i] = Math.log(probability.get(letters.get(i)));
            }
            return new Alphabet(text.toString(), logs);
        }
    }

    /**
     * The string {@code word = prefix + alphabet.letters[letter]}, ordered likeliest first, then by text.
     *
     * @param prefixLog the log-probability of {@code prefix}
     */
    private record Candidate(String prefix, double prefixLog, Alphabet alphabet, int letter, String word,
                             double logProbability) implements Comparable<Candidate> {

        /** {@code prefix} followed by its most likely letter. */
        static Candidate first(String prefix, double prefixLog, Alphabet alphabet) {
            return of(prefix, prefixLog, alphabet, 0);
        }

        /** The same prefix followed by the next less likely letter. */
        Candidate nextSibling() {
            return of(prefix, prefixLog, alphabet, letter + 1);
        }

        private static Candidate of(String prefix, double prefixLog, Alphabet alphabet, int letter) {
            return new Candidate(prefix, prefixLog, alphabet, letter, prefix + alphabet.letters().charAt(letter),
                    prefixLog + alphabet.logs()[letter]);
        }

        @Override
        public int compareTo(Candidate o) {
            int byProbability = Double.compare(o.logProbability, logProbability);
            return byProbability != 0 ? byProbability : word.compareTo(o.word);
        }
    }
}
