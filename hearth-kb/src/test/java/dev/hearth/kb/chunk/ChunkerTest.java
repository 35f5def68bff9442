package dev.hearth.kb.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hearth.kb.document.ParsedDocument;

class ChunkerTest {

    private static final String CHINESE = "今天天气很好，我们去公园散步。公园里有很多人！有人在跑步，有人在下棋？"
            + "孩子们在草地上玩耍；老人们坐在长椅上聊天。湖边的柳树随风摇摆，鸭子在水里游来游去。"
            + "我们走了一个小时，觉得有点累了。于是找了一家茶馆坐下来喝茶。";

    @Test
    void cutsChineseTextOnlyAtChineseSentenceEnds() {
        ParsedDocument doc = new TestDocument().paragraph(CHINESE.repeat(4)).build();

        List<Chunk> chunks = Chunker.of(60, 0).chunk(doc);

        assertThat(chunks).hasSizeGreaterThan(4);
        for (Chunk c : chunks) {
            assertThat(c.text()).hasSizeLessThanOrEqualTo(60);
            assertThat("。！？；").contains(c.text().substring(c.text().length() - 1));
            assertThat(c.text()).isEqualTo(doc.text().substring(c.start(), c.end()));
        }
        assertThat(chunks.getFirst().text()).startsWith("今天天气很好");
    }

    @Test
    void cutsEnglishAtSentenceEndsButNotInsideNumbersOrAbbreviations() {
        String text = ("Pi is about 3.14 and e is about 2.72 in value. Fruit, e.g. apples, is healthy. "
                + "Mr. Smith met Dr. Jones at 10 a.m. today! Was it raining? It was not, said J. Smith. ").repeat(5);
        ParsedDocument doc = new TestDocument().paragraph(text.strip()).build();

        List<Chunk> chunks = Chunker.of(120, 0).chunk(doc);

        assertThat(chunks).hasSizeGreaterThan(3);
        for (Chunk c : chunks) {
            assertThat(c.text()).matches("(?s).*[.!?]").doesNotEndWith("3.").doesNotEndWith("e.g.")
                    .doesNotEndWith("Mr.").doesNotEndWith("Dr.").doesNotEndWith(" J.");
            assertThat(c.text()).doesNotStartWith("14").doesNotStartWith("apples").doesNotStartWith("Smith");
        }
    }

    @Test
    void headingsStartNewChunksAndGiveTheirPath() {
        ParsedDocument doc = new TestDocument()
                .heading(1, "第一章 总则").paragraph("本规定适用于全体员工。")
                .heading(2, "1.1 目的").paragraph("为了规范管理，制定本规定。")
                .heading(2, "1.2 范围").paragraph("适用于公司各部门。")
                .heading(1, "第二章 细则").paragraph("细则如下。")
                .build();

        List<Chunk> chunks = Chunker.defaults().chunk(doc);

        assertThat(chunks).extracting(Chunk::text)
                .containsExactly("本规定适用于全体员工。", "为了规范管理，制定本规定。", "适用于公司各部门。", "细则如下。");
        assertThat(chunks).extracting(Chunk::headings).containsExactly(
                List.of("第一章 总则"), List.of("第一章 总则", "1.1 目的"), List.of("第一章 总则", "1.2 范围"),
                List.of("第二章 细则"));
    }

    @Test
    void aHeadingWithNothingUnderItBecomesAChunkOfItsOwn() {
        ParsedDocument doc = new TestDocument().heading(1, "Part one").heading(2, "Empty section")
                .heading(2, "Full section").paragraph("Some text.").heading(1, "Appendix").build();

        List<Chunk> chunks = Chunker.defaults().chunk(doc);

        assertThat(chunks).extracting(Chunk::text).containsExactly("Empty section", "Some text.", "Appendix");
        assertThat(chunks).extracting(Chunk::headings)
                .containsExactly(List.of("Part one"), List.of("Part one", "Full section"), List.of());
    }

    @Test
    void nextChunkStartsWithTheLastWholeSentencesThatFitTheOverlap() {
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sentences.add("Sentence number %02d is here.".formatted(i)); // 28 chars each
        }
        ParsedDocument doc = new TestDocument().paragraph(String.join(" ", sentences)).build();

        List<Chunk> chunks = Chunker.of(120, 60).chunk(doc);

        for (int i = 1; i < chunks.size(); i++) {
            Chunk previous = chunks.get(i - 1);
            Chunk next = chunks.get(i);
            String repeated = doc.text().substring(next.start(), previous.end());
            assertThat(repeated).hasSizeLessThanOrEqualTo(60).matches("(Sentence number \\d\\d is here\\. ?){2}");
            assertThat(next.text()).startsWith(repeated);
            assertThat(previous.text()).endsWith(repeated);
        }
    }

    @Test
    void overlapNeverReachesBackAcrossAHeading() {
        ParsedDocument doc = new TestDocument().heading(1, "A").paragraph("One. Two. Three. Four. Five.")
                .heading(1, "B").paragraph("Six. Seven. Eight. Nine. Ten.").build();
        int headingB = doc.text().indexOf("B");

        List<Chunk> chunks = Chunker.of(12, 6).chunk(doc);

        for (Chunk c : chunks) {
            assertThat(c.start() < headingB && c.end() > headingB).as("chunk %s crosses heading B", c).isFalse();
            assertThat(c.headings()).containsExactly(c.start() < headingB ? "A" : "B");
        }
    }

    @Test
    void rowsStayWholeShareChunksAndAreNotRepeated() {
        TestDocument builder = new TestDocument().heading(1, "Sheet1");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String row = "name: person %d; city: 城市%d; age: %d".formatted(i, i, 20 + i);
            rows.add(row);
            builder.row(row);
        }

        List<Chunk> chunks = Chunker.of(100, 60).chunk(builder.build());

        List<String> seen = new ArrayList<>();
        for (Chunk c : chunks) {
            assertThat(rows).containsAll(List.of(c.text().split("\n")));
            seen.addAll(List.of(c.text().split("\n")));
        }
        assertThat(seen).isEqualTo(rows);
        assertThat(chunks).anySatisfy(c -> assertThat(c.text()).contains("\n"));
    }

    @Test
    void aRowLongerThanTheSizeIsSplitAtItsFieldsNotDropped() {
        String row = "a: " + "x".repeat(30) + "; b: " + "y".repeat(30) + "; c: " + "z".repeat(30);
        ParsedDocument doc = new TestDocument().row("short: row").row(row).row("last: row").build();

        List<Chunk> chunks = Chunker.of(50, 0).chunk(doc);

        assertThat(chunks).extracting(Chunk::text).containsExactly("short: row\na: " + "x".repeat(30) + ";",
                "b: " + "y".repeat(30) + ";", "c: " + "z".repeat(30) + "\nlast: row");
    }

    @Test
    void aSentenceLongerThanTheSizeIsCutAtCommasThenSpacesThenHard() {
        String commas = "这是一个很长的句子，" .repeat(20) + "结束。";
        String spaces = "word ".repeat(60).strip() + ".";
        String solid = "字".repeat(130) + "。";
        ParsedDocument doc = new TestDocument().paragraph(commas).paragraph(spaces).paragraph(solid).build();

        List<Chunk> chunks = Chunker.of(50, 0).chunk(doc);

        StringBuilder joined = new StringBuilder();
        for (Chunk c : chunks) {
            assertThat(c.text()).hasSizeLessThanOrEqualTo(50);
            joined.append(c.text());
            if (c.text().startsWith("这") && !c.text().endsWith("。")) {
                assertThat(c.text()).endsWith("，");
            }
            if (c.text().startsWith("word")) {
                assertThat(c.text()).matches("(word ?)+\\.?");
            }
        }
        assertThat(chunks).extracting(Chunk::text).contains("字".repeat(50), "字".repeat(30) + "。");
        assertThat(joined.toString().replaceAll("\\s", ""))
                .isEqualTo((commas + spaces + solid).replaceAll("\\s", ""));
    }

    @Test
    void aTokenLimitSplitsChunksThatFitTheCharLimit() {
        // two tokens for every char, plus two special tokens, as a stand-in for a real tokenizer
        Chunker chunker = Chunker.of(400, 0).withTokenLimit(t -> 2 * t.length() + 2, 52);
        ParsedDocument doc = new TestDocument().paragraph(CHINESE.repeat(3)).build();

        List<Chunk> chunks = chunker.chunk(doc);

        assertThat(chunks).allSatisfy(c -> assertThat(2 * c.text().length() + 2).isLessThanOrEqualTo(52));
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(CHINESE.repeat(3));
    }

    @Test
    void aTokenLimitTooSmallForOneCharIsAnError() {
        Chunker chunker = Chunker.defaults().withTokenLimit(t -> t.length() + 2, 2);
        ParsedDocument doc = new TestDocument().paragraph("Hello.").build();

        assertThatThrownBy(() -> chunker.chunk(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token limit of 2");
    }

    @Test
    void aChunkIsOnThePageWhereItStarts() {
        ParsedDocument doc = new TestDocument().onPage(1).paragraph("First page text.")
                .onPage(2).paragraph("Second page text.").onPage(3).paragraph("Third page text.").build();

        List<Chunk> chunks = Chunker.of(36, 0).chunk(doc);

        assertThat(chunks).extracting(Chunk::text, Chunk::page).containsExactly(
                org.assertj.core.groups.Tuple.tuple("First page text.\n\nSecond page text.", 1),
                org.assertj.core.groups.Tuple.tuple("Third page text.", 3));
    }

    @Test
    void refusesSizesThatCannotWork() {
        assertThatThrownBy(() -> Chunker.of(4, 0)).hasMessageContaining("at least");
        assertThatThrownBy(() -> Chunker.of(100, 100)).hasMessageContaining("overlap");
        assertThatThrownBy(() -> Chunker.defaults().withTokenLimit(String::length, 0)).hasMessageContaining("positive");
    }
}
