package dev.hearth.train;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.testdata.TestData;
import dev.hearth.train.data.SplitMix64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated corpora (nothing downloaded) and a real tokenizer for the training tests. */
public final class TrainingCorpora {
    private static final String[] NAMES = {"Tom", "Lily", "Ben", "Mia", "Sam", "Anna"};
    private static final String[] NOUNS = {"ball", "cat", "dog", "tree", "book", "cake", "boat", "bird"};
    private static final String[] COLOURS = {"red", "blue", "green", "big", "small", "happy"};
    private static final String[] PLACES = {"park", "garden", "house", "river", "school"};

    private TrainingCorpora() {}

    /**
     * Short stories from a small grammar in which later sentences repeat what earlier ones
     * introduced (the name, the thing, its colour): structure that a model with context can
     * learn and a unigram model cannot.
     */
    public static String stories(int count, long seed) {
        SplitMix64 r = new SplitMix64(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String name = NAMES[r.nextInt(NAMES.length)];
            String noun = NOUNS[r.nextInt(NOUNS.length)];
            String colour = COLOURS[r.nextInt(COLOURS.length)];
            String place = PLACES[r.nextInt(PLACES.length)];
            text.append(name).append(" had a ").append(colour).append(' ').append(noun).append(". ");
            text.append(name).append(" took the ").append(noun).append(" to the ").append(place).append(". ");
            text.append("The ").append(noun).append(" was ").append(colour).append(" and ").append(name)
                    .append(" was happy.\n\n");
        }
        return text.toString();
    }

    /** Writes {@link #stories} to {@code file}. */
    public static Path storiesFile(Path file, int count, long seed) throws IOException {
        return Files.writeString(file, stories(count, seed), StandardCharsets.UTF_8);
    }

    /** The stories260K model's 512-token SentencePiece vocabulary, as a GGUF converted from the test data. */
    public static TrainingTokenizer stories260kTokenizer(Path dir) throws IOException {
        Path gguf = dir.resolve("stories260K.gguf");
        if (!Files.exists(gguf)) {
            Llama2cConverter.convert(TestData.file("stories260k/stories260K.bin"),
                    TestData.file("stories260k/tok512.bin"), gguf);
        }
        return TrainingTokenizer.fromGguf(gguf);
    }
}
