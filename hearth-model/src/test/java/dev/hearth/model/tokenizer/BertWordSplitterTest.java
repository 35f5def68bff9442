package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BertWordSplitterTest {
    private final BertWordSplitter uncased = new BertWordSplitter(true, true);

    @Test
    void splitsAtWhitespaceAndAroundPunctuation() {
        assertThat(uncased.split("  Hello,\tworld!! ")).containsExactly("hello", ",", "world", "!", "!");
    }

    @Test
    void keepsNonAsciiSymbolsInsideWordsButSplitsAsciiOnes() {
        assertThat(uncased.split("a+b a€b")).containsExactly("a", "+", "b", "a€b");
    }

    @Test
    void stripsAccentsIncludingSeparateCombiningMarks() {
        assertThat(uncased.split("Ünïcode Cafe\u0301")).containsExactly("unicode", "cafe");
    }

    @Test
    void keepsOnlyTheFirstCodePointOfADecompositionAsLlamaCppDoes() {
        // NFD writes 한 as three jamo; llama.cpp's one-to-one table keeps the first
        assertThat(uncased.split("한")).containsExactly("\u1112");
    }

    @Test
    void leavesTextAloneWhenNotLowerCasingOrStrippingAccents() {
        BertWordSplitter cased = new BertWordSplitter(false, false);
        assertThat(cased.split("Café 한")).containsExactly("Café", "한");
    }

    @Test
    void givesEachCjkIdeographItsOwnWordButNotKana() {
        assertThat(uncased.split("我想apple工作かな")).containsExactly("我", "想", "apple", "工", "作", "かな");
    }
}
