package dev.hearth.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.HuggingFaceTokenizers;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any text encodes and decodes back to the same bytes through the written {@code tokenizer.json}
 * as Hearth loads it, and the GGUF vocabulary {@link TrainedTokenizer#putInto} writes gives the
 * same ids.
 */
class TrainedTokenizerRoundTripProperties {
    private static Path dir;
    private static Tokenizer fromJson;
    private static Tokenizer fromGguf;

    @BeforeContainer
    static void trainOnce() throws IOException {
        dir = Files.createTempDirectory("trained-tokenizer");
        WordCounts counts = new WordCounts(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        counts.add(GeneratedCorpus.text(11, 200_000));
        counts.add("Tabs\tand  spaces,\r\nCRLF lines; émoji 🦙🦙 and 3.14159 — “quotes”.\n".repeat(20));
        TrainedTokenizer trained = BpeTrainer.train(counts, BpeTrainingOptions.of(1500), TrainingListener.NONE).tokenizer();
        Path json = dir.resolve("tokenizer.json");
        trained.write(json);
        fromJson = HuggingFaceTokenizers.load(json);
        GgufWriter gguf = new GgufWriter();
        trained.putInto(gguf);
        Path ggufFile = dir.resolve("vocab.gguf");
        gguf.write(ggufFile);
        try (GgufFile file = GgufFile.open(ggufFile)) {
            fromGguf = Tokenizers.fromGguf(file.metadata());
        }
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Files.delete(dir);
    }

    /** Text of every kind: scripts, emoji, whitespace runs, digits, punctuation, controls, any code point. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u4E00', '\u9FFF').ofMaxLength(6),
                Arbitraries.integers().between(0x1F300, 0x1FAFF).map(Character::toString),
                Arbitraries.of(" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u3000", "\u00A0", "\u2028", "\u0085"),
                Arbitraries.strings().numeric().ofMaxLength(7),
                Arbitraries.of(".", ",", "!?", "...", "，", "。", "“", "”", "—", "'s", "'LL", "(", ")", "#", "$"),
                Arbitraries.integers().between(0, 0x9F).filter(Character::isISOControl).map(Character::toString),
                Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE).map(Character::toString),
                Arbitraries.of("e\u0301", "\uFEFF", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "hello", " the"));
        return piece.list().ofMaxSize(20).map(pieces -> String.join("", pieces));
    }

    @Property(tries = 500)
    void decodesWhatItEncodesByteForByte(@ForAll("text") String text) {
        int[] ids = fromJson.encode(text);
        assertThat(fromJson.decode(ids).getBytes(StandardCharsets.UTF_8)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        int[] chatIds = fromJson.encode(text, SpecialTokenMode.ALL);
        assertThat(fromJson.decode(chatIds, true)).isEqualTo(text);
    }

    @Property(tries = 500)
    void theGgufVocabularyGivesTheSameIds(@ForAll("text") String text) {
        for (SpecialTokenMode mode : List.of(SpecialTokenMode.NONE, SpecialTokenMode.ALL)) {
            assertThat(fromGguf.encode(text, mode)).as(mode.name()).isEqualTo(fromJson.encode(text, mode));
        }
    }
}
