package dev.hearth.kb.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SentencesTest {

    private static List<String> sentences(String text) {
        return Sentences.of(text, 0, text.length()).stream().map(s -> text.substring(s.start(), s.end())).toList();
    }

    @Test
    void keepsClosingQuotesAndEllipsesWithTheirSentence() {
        assertThat(sentences("他说：“走吧！”我们就走了……然后呢？（没有了。）好"))
                .containsExactly("他说：“走吧！”", "我们就走了……", "然后呢？", "（没有了。）", "好");
        assertThat(sentences("He said \"stop.\" Then he left! Why?! Nobody knows..."))
                .containsExactly("He said \"stop.\"", "Then he left!", "Why?!", "Nobody knows...");
    }

    @Test
    void doesNotEndSentencesInsideNumbersUrlsOrAbbreviations() {
        assertThat(sentences("Version 3.14 is at example.com now. See e.g. the notes, i.e. these. Mr. Li agrees."))
                .containsExactly("Version 3.14 is at example.com now.", "See e.g. the notes, i.e. these.",
                        "Mr. Li agrees.");
        assertThat(sentences("It works. so does this.")).containsExactly("It works. so does this.");
    }

    @Test
    void endsChineseSentencesTypedWithHalfWidthMarks() {
        assertThat(sentences("真的吗?是的!好")).containsExactly("真的吗?", "是的!", "好");
    }

    @Test
    void aLineBreakInsideAParagraphEndsASentence() {
        assertThat(sentences("int x = 1\nint y = 2")).containsExactly("int x = 1", "int y = 2");
    }
}
