package dev.hearth.kb.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stand-in for an embedding model, for tests: a hashed bag of features, normalised.
 *
 * <p>Features are Latin words (lower-cased, a plural s dropped), Chinese characters and character bigrams,
 * and concepts from a small bilingual synonym table ({@link #CONCEPTS}), weighted most. So texts sharing
 * words are similar, as with any bag of words, and texts sharing only meaning are similar too when the
 * table knows the words: "automobile upkeep" is near "汽车保养" though they share no character. That is
 * what lets a test tell vector retrieval from BM25.
 */
public final class ConceptBagEmbedder implements Embedder {
    /** Word to concept; each concept has English and Chinese words. */
    public static final Map<String, String> CONCEPTS = Map.ofEntries(
            Map.entry("car", "vehicle"), Map.entry("vehicle", "vehicle"), Map.entry("automobile", "vehicle"),
            Map.entry("汽车", "vehicle"), Map.entry("车辆", "vehicle"),
            Map.entry("maintenance", "maintenance"), Map.entry("upkeep", "maintenance"),
            Map.entry("servicing", "maintenance"), Map.entry("保养", "maintenance"), Map.entry("维护", "maintenance"),
            Map.entry("capital", "capital"), Map.entry("首都", "capital"),
            Map.entry("dog", "dog"), Map.entry("puppy", "dog"), Map.entry("狗", "dog"), Map.entry("小狗", "dog"));

    private static final double CONCEPT_WEIGHT = 2.0;
    private static final double BIGRAM_WEIGHT = 1.0;
    private static final double CHAR_WEIGHT = 0.5;
    private static final Pattern TOKEN = Pattern.compile("[\\p{IsLatin}\\p{Nd}]+|\\p{IsHan}+");

    private final int dimension;

    public ConceptBagEmbedder(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public String name() {
        return "concept-bag-" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return 512;
    }

    @Override
    public int countTokens(String text) {
        int n = 0;
        for (Matcher m = TOKEN.matcher(text); m.find(); ) {
            n++;
        }
        return n + 2;
    }

    @Override
    public List<float[]> embedPassages(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(embed(text));
        }
        return vectors;
    }

    @Override
    public float[] embedQuery(String question) {
        return embed(question);
    }

    @Override
    public void close() {}

    public float[] embed(String text) {
        double[] v = new double[dimension];
        for (Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT)); m.find(); ) {
            String token = m.group();
            if (Character.isIdeographic(token.codePointAt(0))) {
                addChinese(v, token);
            } else {
                String word = token.length() > 3 && token.endsWith("s") ? token.substring(0, token.length() - 1) : token;
                add(v, "w:" + word, 1.0);
                String concept = CONCEPTS.get(word);
                if (concept != null) {
                    add(v, "c:" + concept, CONCEPT_WEIGHT);
                }
            }
        }
        return normalise(v);
    }

    private void addChinese(double[] v, String run) {
        for (int i = 0; i < run.length(); i++) {
            add(v, "h:" + run.charAt(i), CHAR_WEIGHT);
            if (i + 1 < run.length()) {
                add(v, "h:" + run.substring(i, i + 2), BIGRAM_WEIGHT);
            }
        }
        CONCEPTS.forEach((word, concept) -> {
            if (Character.isIdeographic(word.codePointAt(0)) && run.contains(word)) {
                add(v, "c:" + concept, CONCEPT_WEIGHT);
            }
        });
    }

    /** Feature hashing with a sign bit, so collisions cancel on average instead of adding up. */
    private void add(double[] v, String feature, double weight) {
        int h = feature.hashCode() * 0x9E3779B1;
        int slot = Math.floorMod(h, dimension);
        v[slot] += (h >>> 31) == 0 ? weight : -weight;
    }

    private static float[] normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        float[] unit = new float[v.length];
        if (norm == 0) {
            unit[0] = 1; // a text without features still gets a unit vector, as a real model's would be
            return unit;
        }
        double inv = 1 / Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            unit[i] = (float) (v[i] * inv);
        }
        return unit;
    }
}
