package dev.hearth.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.tokenizer.HuggingFaceTokenizers;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.train.tokenizer.TrainedTokenizer.Merge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    @TempDir
    Path dir;

    private static TrainingResult train(String text, int vocabSize, int minFrequency) {
        WordCounts counts = new WordCounts(List.of());
        counts.add(text);
        return BpeTrainer.train(counts, new BpeTrainingOptions(vocabSize, minFrequency, List.of()), TrainingListener.NONE);
    }

    @Test
    void learnsTheMergesThatCanBeWorkedOutByHand() {
        // words: "aaab" once, " aaab" three times. Pair counts: a a 8, a b 4, Ġ a 3 → merge "a a".
        // Then "aa a" 4 and "a b" 4 tie: "a" sorts before "aa", so "a b"; then "aa ab" 4; then "Ġ aaab" 3.
        TrainingResult result = train("aaab aaab aaab aaab", 256 + 4, 1);
        assertThat(result.tokenizer().merges()).containsExactly(
                new Merge("a", "a"), new Merge("a", "b"), new Merge("aa", "ab"), new Merge("Ġ", "aaab"));
        assertThat(result.tokenizer().tokens().subList(256, 260)).containsExactly("aa", "ab", "aaab", "Ġaaab");
        assertThat(result.stoppedEarly()).isFalse();
        assertThat(result.words()).isEqualTo(4);
        assertThat(result.distinctWords()).isEqualTo(2);
        assertThat(result.corpusBytes()).isEqualTo(19);
        assertThat(result.corpusTokens()).isEqualTo(4); // each word is one token now
    }

    @Test
    void breaksTiesByTheLeftTokensBytesThenTheRightTokensBytes() {
        // words "xb", " xa" twice, " ya" twice, " xb": "Ġ x" (3) first; then "Ġx a", "Ġ y", "y a" tie
        // at 2 and "Ġ" sorts first; then "Ġx a" and "Ġy a" tie, and "Ġx" sorts before "Ġy"
        assertThat(train("xb xa ya xb xa ya", 256 + 3, 2).tokenizer().merges())
                .containsExactly(new Merge("Ġ", "x"), new Merge("Ġ", "y"), new Merge("Ġx", "a"));
        // words " ab" and " ac" twice each: "Ġ a" (4), then "Ġa b" and "Ġa c" tie, and "b" sorts first
        assertThat(train(" ab ac ab ac", 256 + 3, 2).tokenizer().merges())
                .containsExactly(new Merge("Ġ", "a"), new Merge("Ġa", "b"), new Merge("Ġa", "c"));
    }

    @Test
    void stopsEarlyWhenNoPairOccursTheMinimumFrequencyTimes() {
        TrainingResult result = train("aaab aaab aaab aaab", 256 + 100, 4);
        assertThat(result.tokenizer().merges()).hasSize(3); // "Ġ aaab" occurs 3 times
        assertThat(result.tokenizer().tokens()).hasSize(256 + 3);
        assertThat(result.stoppedEarly()).isTrue();

        TrainingResult outOfPairs = train("aaab aaab aaab aaab", 256 + 100, 1);
        assertThat(outOfPairs.tokenizer().merges()).hasSize(4);
        assertThat(outOfPairs.stoppedEarly()).isTrue();
    }

    @Test
    void neverMergesIntoASpecialTokensText() {
        // words "ab" and " ab" three times: "a b" (4), then "Ġ ab" (3) would make the special token's text
        WordCounts counts = new WordCounts(List.of("Ġab"));
        counts.add("ab ab ab ab");
        TrainingResult result = BpeTrainer.train(counts, new BpeTrainingOptions(256 + 1 + 10, 1, List.of("Ġab")),
                TrainingListener.NONE);
        assertThat(result.tokenizer().merges()).containsExactly(new Merge("a", "b"));
        assertThat(result.tokenizer().tokens()).containsOnlyOnce("Ġab");
        assertThat(result.stoppedEarly()).isTrue();
    }

    @Test
    void cutsTheCorpusAtSpecialTokensInsteadOfLearningThem() {
        WordCounts counts = new WordCounts(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        counts.add("hello<|endoftext|>".repeat(50) + "<|im_start|>user\nhi<|im_end|>".repeat(50));
        List<String> tokens = BpeTrainer.train(counts, BpeTrainingOptions.of(400), TrainingListener.NONE).tokenizer().tokens();
        assertThat(tokens.subList(256, tokens.size() - 3)).containsExactly("el", "er", "ell", "ello", "hello", "hi", "ser", "user");
        assertThat(tokens.subList(tokens.size() - 3, tokens.size())).isEqualTo(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        assertThat(counts.words()).isEqualTo(50 + 50 * 3); // hello; user, \n, hi
    }

    @Test
    void theCorpusTokenCountIsWhatTheWrittenTokenizerEncodesTheCorpusInto() throws IOException {
        String text = GeneratedCorpus.text(3, 200_000) + "<|endoftext|>" + GeneratedCorpus.text(4, 50_000);
        Path corpusFile = Files.writeString(dir.resolve("corpus.txt"), text);
        TrainingResult result = BpeTrainer.train(Corpus.of(List.of(corpusFile)), BpeTrainingOptions.of(1024),
                TrainingListener.NONE);
        Path file = dir.resolve("tokenizer.json");
        result.tokenizer().write(file);
        Tokenizer tokenizer = HuggingFaceTokenizers.load(file);

        int[] ids = tokenizer.encode(text, SpecialTokenMode.ALL);
        assertThat(result.corpusTokens()).isEqualTo(ids.length);
        assertThat(result.corpusBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
    }

    @Test
    void compressesEnglishAndChineseTextItHasNotSeenToUnderAThirdOfItsBytes() throws IOException {
        // byte-level, the baseline, is one token per byte; at 2048 tokens the generated prose
        // (about 4.5 bytes per token on this corpus) must take under a third as many tokens
        String training = GeneratedCorpus.text(5, 1 << 20);
        String unseen = GeneratedCorpus.text(6, 100_000);
        WordCounts counts = new WordCounts(BpeTrainingOptions.DEFAULT_SPECIAL_TOKENS);
        counts.add(training);
        TrainingResult result = BpeTrainer.train(counts, BpeTrainingOptions.of(2048), TrainingListener.NONE);
        Path file = dir.resolve("tokenizer.json");
        result.tokenizer().write(file);
        Tokenizer tokenizer = HuggingFaceTokenizers.load(file);

        double tokensPerByte = (double) tokenizer.encode(unseen).length / unseen.getBytes(StandardCharsets.UTF_8).length;
        assertThat(tokensPerByte).isLessThan(1.0 / 3);
        assertThat(result.bytesPerToken()).isGreaterThan(3.0);
        String chinese = "我们今天在学校学习语言模型的训练。";
        assertThat(tokenizer.encode(chinese).length).isLessThan(chinese.getBytes(StandardCharsets.UTF_8).length / 3);
    }

    @Test
    void theSameCorpusTwiceGivesByteIdenticalFiles() throws IOException {
        Path corpusFile = Files.writeString(dir.resolve("corpus.txt"), GeneratedCorpus.text(7, 300_000));
        List<byte[]> written = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path folder = Files.createDirectory(dir.resolve(name));
            TrainingResult result = BpeTrainer.train(Corpus.of(List.of(corpusFile)), BpeTrainingOptions.of(1000),
                    TrainingListener.NONE);
            result.tokenizer().write(folder.resolve("tokenizer.json"));
            written.add(Files.readAllBytes(folder.resolve("tokenizer.json")));
            written.add(Files.readAllBytes(folder.resolve("tokenizer_config.json")));
        }
        assertThat(written.get(2)).isEqualTo(written.get(0));
        assertThat(written.get(3)).isEqualTo(written.get(1));
    }

    @Test
    void reportsProgressPerFileAndPerMerge() throws IOException {
        // 20 times "low", " lower", " lowest", and all but the first "low" after a space
        Path a = Files.writeString(dir.resolve("a.txt"), String.join(" ", java.util.Collections.nCopies(20, "low lower lowest")));
        Path b = Files.writeString(dir.resolve("b.txt"), String.join(" ", java.util.Collections.nCopies(20, "new newer newest")));
        List<String> events = new ArrayList<>();
        BpeTrainer.train(Corpus.of(List.of(a, b)), new BpeTrainingOptions(256 + 5, 2, List.of()), new TrainingListener() {
            @Override
            public void counted(Path file, long words, long distinctWords) {
                events.add(file.getFileName() + " " + words + " " + distinctWords);
            }

            @Override
            public void merged(int merges, int mergesWanted) {
                events.add(merges + "/" + mergesWanted);
            }
        });
        assertThat(events).containsExactly("a.txt 60 4", "b.txt 120 8", "1/5", "2/5", "3/5", "4/5", "5/5");
    }

    @Test
    void aVocabularyWithoutRoomForMergesIsRefusedNamingTheSizes() {
        assertThatThrownBy(() -> BpeTrainingOptions.of(259))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vocabulary size 259 leaves no room for merges: it must be at least 260"
                        + " (256 byte tokens, 3 special tokens and one learned token)");
        assertThat(BpeTrainingOptions.of(260).vocabSize()).isEqualTo(260);
        assertThatThrownBy(() -> new BpeTrainingOptions(300, 0, List.of()))
                .hasMessage("minimum frequency 0 must be at least 1");
        assertThatThrownBy(() -> new BpeTrainingOptions(300, 2, List.of("<a>", "<a>")))
                .hasMessage("special token '<a>' is given twice");
        assertThatThrownBy(() -> new BpeTrainingOptions(300, 2, List.of("!")))
                .hasMessage("special token '!' is the text of a byte token");
    }

    @Test
    void aCorpusWithoutTextIsRefusedNamingItsFiles() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> BpeTrainer.train(Corpus.of(List.of(empty)), BpeTrainingOptions.of(300),
                TrainingListener.NONE))
                .isInstanceOf(IOException.class)
                .hasMessage(empty + ": no text to train on");
        Path onlySpecial = Files.writeString(dir.resolve("special.txt"), "<|endoftext|>");
        assertThatThrownBy(() -> BpeTrainer.train(Corpus.of(List.of(empty, onlySpecial)), BpeTrainingOptions.of(300),
                TrainingListener.NONE))
                .hasMessage("the corpus (2 files from " + empty + "): no text to train on");
    }
}
