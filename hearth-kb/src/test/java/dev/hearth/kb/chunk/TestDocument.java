package dev.hearth.kb.chunk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.hearth.kb.document.Block;
import dev.hearth.kb.document.Format;
import dev.hearth.kb.document.ParsedDocument;

/** Builds a ParsedDocument block by block, laid out as the readers lay theirs out. */
final class TestDocument {
    private final StringBuilder text = new StringBuilder();
    private final List<Block> blocks = new ArrayList<>();
    private int page;

    TestDocument onPage(int page) {
        this.page = page;
        return this;
    }

    TestDocument heading(int level, String s) {
        int start = append(s, "\n\n");
        blocks.add(new Block.Heading(level, start, text.length(), page));
        return this;
    }

    TestDocument paragraph(String s) {
        int start = append(s, "\n\n");
        blocks.add(new Block.Paragraph(start, text.length(), page));
        return this;
    }

    TestDocument row(String s) {
        int start = append(s, !blocks.isEmpty() && blocks.getLast() instanceof Block.Row ? "\n" : "\n\n");
        blocks.add(new Block.Row(start, text.length(), page));
        return this;
    }

    private int append(String s, String separator) {
        if (!text.isEmpty()) {
            text.append(separator);
        }
        int start = text.length();
        text.append(s);
        return start;
    }

    ParsedDocument build() {
        return new ParsedDocument(Path.of("test.txt"), Format.TXT, Optional.empty(), Optional.empty(),
                text.toString(), blocks);
    }
}
