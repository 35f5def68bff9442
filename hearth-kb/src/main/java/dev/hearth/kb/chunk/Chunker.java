package dev.hearth.kb.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

import dev.hearth.kb.document.Block;
import dev.hearth.kb.document.ParsedDocument;

/**
 * Cuts a parsed document into passages for embedding and citation.
 *
 * <ul>
 *   <li>A heading ends the passage before it; every passage carries the path of headings above
 *       it, and no passage crosses one. A heading with nothing under it becomes a passage itself,
 *       so that no text is lost.
 *   <li>Within a section, whole sentences (see {@link Sentences}) and whole rows are packed into
 *       passages of at most {@link #size()} chars and, when a token counter is given, at most
 *       {@code maxTokens} tokens. A sentence or row that alone exceeds either limit is cut at its
 *       last comma, then its last space, then hard at the limit; it is never truncated.
 *   <li>A passage begins with the last whole sentences of the one before it in the same section,
 *       as many as fit in {@link #overlap()} chars, so a sentence that needs its neighbour for
 *       context finds it. Rows are not repeated: each stands on its own with its header.
 * </ul>
 *
 * <p>Every chunk's text is exactly {@code document.text().substring(chunk.start(), chunk.end())};
 * its page is the page of its first char. Immutable; thread-safe if the token counter is.
 */
public final class Chunker {

    /**
     * 400 chars: bge-small-zh reads at most 512 tokens, and Chinese text takes about one token
     * per char, so 400 leaves room for special tokens and a heading prefix; English takes far fewer.
     */
    public static final int DEFAULT_SIZE = 400;

    /** 60 chars: one or two short sentences of context, 15% of a passage. */
    public static final int DEFAULT_OVERLAP = 60;

    /**
     * Where an over-long sentence or row is best cut, best first: between clauses or fields, then
     * after a colon (a row's {@code name: value} has one in every field, so it ranks lower).
     */
    private static final List<String> SOFT_MARKS = List.of("；;，,、", "：:");

    /** Smallest size accepted: room for a surrogate pair and a few words. */
    private static final int MIN_SIZE = 8;

    private final int size;
    private final int overlap;
    private final ToIntFunction<String> tokenCounter;
    private final int maxTokens;

    private Chunker(int size, int overlap, ToIntFunction<String> tokenCounter, int maxTokens) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("chunk size must be at least " + MIN_SIZE + " chars, got " + size);
        }
        if (overlap < 0 || overlap >= size) {
            throw new IllegalArgumentException("overlap must be in 0.." + (size - 1) + " chars, got " + overlap);
        }
        this.size = size;
        this.overlap = overlap;
        this.tokenCounter = tokenCounter;
        this.maxTokens = maxTokens;
    }

    /** {@value #DEFAULT_SIZE} chars with {@value #DEFAULT_OVERLAP} of overlap, no token limit. */
    public static Chunker defaults() {
        return new Chunker(DEFAULT_SIZE, DEFAULT_OVERLAP, null, 0);
    }

    /** Passages of at most {@code size} chars, each starting with up to {@code overlap} chars of the one before. */
    public static Chunker of(int size, int overlap) {
        return new Chunker(size, overlap, null, 0);
    }

    /**
     * This chunker, also keeping every passage within {@code maxTokens} as {@code counter} counts
     * them, e.g. {@code chunker.withTokenLimit(embedder::countTokens, embedder.maxTokens())}.
     */
    public Chunker withTokenLimit(ToIntFunction<String> counter, int maxTokens) {
        Objects.requireNonNull(counter, "counter");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        return new Chunker(size, overlap, counter, maxTokens);
    }

    /** The most chars in one passage. */
    public int size() {
        return size;
    }

    /** The most chars a passage repeats from the one before. */
    public int overlap() {
        return overlap;
    }

    /**
     * The document's passages, in text order.
     *
     * @throws IllegalArgumentException if the token limit is too small to hold a single char
     */
    public List<Chunk> chunk(ParsedDocument document) {
        return new Run(document).chunks();
    }

    /** One pass over one document: the heading path so far, the section being gathered, the chunks made. */
    private final class Run {
        private record OpenHeading(int level, Span span, int page, int chunksBefore) {}

        /** A sentence, a row, or a piece of one that was too long. */
        private record Unit(Span span, int page, boolean row) {}

        private final String text;
        private final List<Block> blocks;
        private final List<OpenHeading> path = new ArrayList<>();
        private final List<Unit> section = new ArrayList<>();
        private final List<Chunk> chunks = new ArrayList<>();

        Run(ParsedDocument document) {
            this.text = document.text();
            this.blocks = document.blocks();
        }

        List<Chunk> chunks() {
            for (Block block : blocks) {
                switch (block) {
                    case Block.Heading h -> {
                        packSection();
                        closeHeadings(h.level());
                        path.add(new OpenHeading(h.level(), new Span(h.start(), h.end()), h.page(), chunks.size()));
                    }
                    case Block.Paragraph p -> {
                        for (Span sentence : Sentences.of(text, p.start(), p.end())) {
                            addUnits(sentence, p.page(), false);
                        }
                    }
                    case Block.Row r -> addUnits(new Span(r.start(), r.end()), r.page(), true);
                }
            }
            packSection();
            closeHeadings(1);
            return chunks;
        }

        /** Closes open headings of {@code level} and deeper; one with nothing under it becomes a chunk of its own. */
        private void closeHeadings(int level) {
            while (!path.isEmpty() && path.getLast().level() >= level) {
                OpenHeading closed = path.removeLast();
                if (chunks.size() == closed.chunksBefore()) {
                    addUnits(closed.span(), closed.page(), false);
                    packSection();
                }
            }
        }

        private void addUnits(Span span, int page, boolean row) {
            for (Span piece : fit(span)) {
                section.add(new Unit(piece, page, row));
            }
        }

        /** Greedy packing of the section's units, with overlap between consecutive chunks. */
        private void packSection() {
            List<String> headings = path.stream().map(h -> text.substring(h.span().start(), h.span().end())).toList();
            int next = 0;
            int carried = 0;
            while (next < section.size()) {
                int first = carried;
                while (first < next && !fits(section.get(first).span().start(), section.get(next).span().end())) {
                    first++;
                }
                int last = next;
                while (last + 1 < section.size()
                        && fits(section.get(first).span().start(), section.get(last + 1).span().end())) {
                    last++;
                }
                int start = section.get(first).span().start();
                int end = section.get(last).span().end();
                chunks.add(new Chunk(text.substring(start, end), section.get(first).page(), start, end, headings));
                next = last + 1;
                carried = next;
                while (carried - 1 > first && !section.get(carried - 1).row()
                        && end - section.get(carried - 1).span().start() <= overlap) {
                    carried--;
                }
            }
            section.clear();
        }

        private boolean fits(int start, int end) {
            return end - start <= size
                    && (tokenCounter == null || tokenCounter.applyAsInt(text.substring(start, end)) <= maxTokens);
        }

        /**
         * {@code span} as pieces that each fit: cut after the last comma-like mark that keeps the
         * piece within the limits, else at the last space, else hard at the limit.
         */
        private List<Span> fit(Span span) {
            List<Span> pieces = new ArrayList<>();
            int start = span.start();
            while (!fits(start, span.end())) {
                int limit = longestFit(start, span.end());
                int cut = softCut(start, limit);
                if (!fits(start, cut)) {
                    cut = limit; // a token counter that is not monotone in length; the hard cut is known to fit
                }
                Sentences.add(pieces, text, start, cut);
                start = cut;
                while (Character.isWhitespace(text.charAt(start))) {
                    start++;
                }
            }
            Sentences.add(pieces, text, start, span.end());
            return pieces;
        }

        /**
         * The furthest end {@code e} in {@code (start, end)} such that {@code [start, e)} fits; a
         * binary search, as token counts grow with length.
         */
        private int longestFit(int start, int end) {
            int lo = start;
            int hi = Math.min(end - 1, start + size);
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (fits(start, mid)) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            if (lo > start + 1 && Character.isLowSurrogate(text.charAt(lo))
                    && Character.isHighSurrogate(text.charAt(lo - 1))) {
                lo--; // keep a surrogate pair together
            }
            if (lo <= start) {
                throw new IllegalArgumentException("a token limit of " + maxTokens
                        + " cannot hold even the first char of the text at offset " + start);
            }
            return lo;
        }

        /** Just after the last semicolon or comma, else colon, else before the last space, else {@code limit}. */
        private int softCut(int start, int limit) {
            for (String marks : SOFT_MARKS) {
                for (int i = limit; i > start + 1; i--) {
                    if (marks.indexOf(text.charAt(i - 1)) >= 0) {
                        return i;
                    }
                }
            }
            for (int i = limit; i > start + 1; i--) {
                if (Character.isWhitespace(text.charAt(i - 1))) {
                    return i - 1;
                }
            }
            return limit;
        }
    }
}
