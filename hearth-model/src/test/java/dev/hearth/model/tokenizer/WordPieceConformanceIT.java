package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WordPiece vocabulary of BAAI bge, through the real GGUF file (ids are checked in TokenizerConformanceIT). */
class WordPieceConformanceIT {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = WordPieceTokenizer.fromGguf(VocabTestCases.metadata("bert-bge"));
    }

    @Test
    void readsItsKindAndRolesFromTheGguf() {
        assertThat(tokenizer.kind()).isEqualTo("wpm");
        assertThat(tokenizer.specialTokens().unknown()).hasValue(100);
        assertThat(tokenizer.specialTokens().cls()).hasValue(101);
        assertThat(tokenizer.specialTokens().separator()).hasValue(102);
    }

    @Test
    void decodesLowerCasedWordsSeparatedBySingleSpaces() {
        int[] ids = tokenizer.encode("  Héllo,   WORLD! Tokenization", SpecialTokenMode.USER_DEFINED);
        assertThat(tokenizer.decode(ids)).isEqualTo("hello , world ! tokenization");
    }

    @Test
    void streamingDecodeMatchesWholeDecode() {
        int[] ids = tokenizer.encode("我想在apple工作 unaffable", SpecialTokenMode.USER_DEFINED);
        StreamingDecoder decoder = tokenizer.streamingDecoder(false);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(decoder.accept(id));
        }
        streamed.append(decoder.flush());
        assertThat(streamed.toString()).isEqualTo(tokenizer.decode(ids)).doesNotContain("\uFFFD");
    }
}
