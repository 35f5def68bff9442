package dev.hearth.kb.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import dev.hearth.kb.document.Block;
import dev.hearth.kb.document.ParsedDocument;

/**
 * Random documents of Chinese and English sentences, over-long sentences, rows and headings,
 * chunked with random sizes, overlaps and token limits: offsets are exact, limits hold, no text is
 * lost, no chunk crosses a heading, and overlaps stay within bounds.
 */
class ChunkerProperties {

    /** A stand-in tokenizer: a token per code point, one per space, and two special tokens. */
    private static final ToIntFunction<String> TOKENS =
            t -> t.codePointCount(0, t.length()) + (int) t.chars().filter(c -> c == ' ').count() + 2;

    private record Spec(int kind, String text) {}

    @Provide
    Arbitrary<ParsedDocument> documents() {
        Arbitrary<String> piece = Arbitraries.of("我们", "公园", "天气很好", "3.14", "e.g.", "Mr.", "apple", "the",
                "word", "。", "！", "？", "；", "，", "、", ". ", "! ", "? ", ", ", " ", " ", "…", "”", "\n", "😀", "x");
        Arbitrary<String> text = piece.list().ofMinSize(1).ofMaxSize(120).map(l -> String.join("", l).strip())
                .map(s -> s.isEmpty() ? "x" : s);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5); // 0-2 heading levels 1-3, 3-4 paragraph, 5 row
        Arbitrary<Spec> spec = Combinators.combine(kind, text).as((k, t) -> new Spec(k, k == 5 ? oneLine(t) : t));
        return spec.list().ofMinSize(1).ofMaxSize(25).map(specs -> {
            TestDocument doc = new TestDocument();
            int page = 1;
            for (Spec s : specs) {
                doc.onPage(page++ / 3);
                switch (s.kind()) {
                    case 0, 1, 2 -> doc.heading(s.kind() + 1, oneLine(s.text()));
                    case 3, 4 -> doc.paragraph(s.text());
                    default -> doc.row(s.text());
                }
            }
            return doc.build();
        });
    }

    private static String oneLine(String s) {
        String line = s.replace('\n', ' ').strip();
        return line.isEmpty() ? "x" : line;
    }

    @Property(tries = 300)
    void chunksAreExactSubstringsWithinTheLimits(@ForAll("documents") ParsedDocument doc,
            @ForAll @IntRange(min = 8, max = 200) int size, @ForAll @IntRange(min = 0, max = 100) int overlapPercent,
            @ForAll @IntRange(min = 0, max = 200) int maxTokens) {
        Chunker chunker = chunker(size, overlapPercent, maxTokens);

        for (Chunk c : chunker.chunk(doc)) {
            assertThat(c.text()).isEqualTo(doc.text().substring(c.start(), c.end()));
            assertThat(c.text()).isNotBlank().hasSizeLessThanOrEqualTo(size);
            assertThat(c.text()).isEqualTo(c.text().strip());
            if (maxTokens >= 8) {
                assertThat(TOKENS.applyAsInt(c.text())).isLessThanOrEqualTo(maxTokens);
            }
        }
    }

    @Property(tries = 300)
    void everyVisibleCharIsInAChunkOrAHeadingPath(@ForAll("documents") ParsedDocument doc,
            @ForAll @IntRange(min = 8, max = 200) int size, @ForAll @IntRange(min = 0, max = 100) int overlapPercent,
            @ForAll @IntRange(min = 0, max = 200) int maxTokens) {
        List<Chunk> chunks = chunker(size, overlapPercent, maxTokens).chunk(doc);

        boolean[] covered = new boolean[doc.text().length()];
        for (Chunk c : chunks) {
            for (int i = c.start(); i < c.end(); i++) {
                covered[i] = true;
            }
        }
        List<String> pathTexts = chunks.stream().flatMap(c -> c.headings().stream()).toList();
        for (Block b : doc.blocks()) {
            boolean inPath = b instanceof Block.Heading && pathTexts.contains(doc.textOf(b));
            for (int i = b.start(); i < b.end(); i++) {
                if (!Character.isWhitespace(doc.text().charAt(i)) && !inPath) {
                    assertThat(covered[i]).as("char %d of block %s", i, b).isTrue();
                }
            }
        }
    }

    @Property(tries = 300)
    void chunksFollowInOrderNeverCrossAHeadingAndOverlapOnlyWithinBounds(@ForAll("documents") ParsedDocument doc,
            @ForAll @IntRange(min = 8, max = 200) int size, @ForAll @IntRange(min = 0, max = 100) int overlapPercent,
            @ForAll @IntRange(min = 0, max = 200) int maxTokens) {
        Chunker chunker = chunker(size, overlapPercent, maxTokens);
        List<Chunk> chunks = chunker.chunk(doc);

        List<Block> headings = doc.blocks().stream().filter(b -> b instanceof Block.Heading).toList();
        for (Chunk c : chunks) {
            for (Block h : headings) {
                assertThat(h.start() > c.start() && h.start() < c.end()).as("%s crosses %s", c, h).isFalse();
            }
            assertThat(c.headings()).isEqualTo(pathAt(doc, c));
            assertThat(c.page()).isEqualTo(pageAt(doc, c.start()));
        }
        for (int i = 1; i < chunks.size(); i++) {
            Chunk previous = chunks.get(i - 1);
            Chunk next = chunks.get(i);
            assertThat(next.start()).isGreaterThan(previous.start());
            assertThat(next.end()).isGreaterThan(previous.end());
            if (next.start() < previous.end()) {
                assertThat(previous.end() - next.start()).isLessThanOrEqualTo(chunker.overlap());
            }
        }
    }

    private static Chunker chunker(int size, int overlapPercent, int maxTokens) {
        Chunker chunker = Chunker.of(size, (size - 1) * overlapPercent / 100);
        // below 8 tokens a lone emoji may not fit; that error has a test of its own
        return maxTokens >= 8 ? chunker.withTokenLimit(TOKENS, maxTokens) : chunker;
    }

    /** The reference heading path: the open headings before {@code chunk}, except a chunk that is itself a heading's text. */
    private static List<String> pathAt(ParsedDocument doc, Chunk chunk) {
        List<Block.Heading> open = new ArrayList<>();
        for (Block b : doc.blocks()) {
            if (b.start() >= chunk.start() && !(b.start() == chunk.start() && b instanceof Block.Heading)) {
                break;
            }
            if (b instanceof Block.Heading h) {
                open.removeIf(o -> o.level() >= h.level());
                if (h.start() <= chunk.start() && chunk.start() < h.end()) {
                    break; // a heading with nothing under it: the path is its parents
                }
                open.add(h);
            }
        }
        return open.stream().map(doc::textOf).toList();
    }

    private static int pageAt(ParsedDocument doc, int offset) {
        return doc.blocks().stream().filter(b -> b.start() <= offset && offset < b.end()).findFirst()
                .orElseThrow().page();
    }
}
