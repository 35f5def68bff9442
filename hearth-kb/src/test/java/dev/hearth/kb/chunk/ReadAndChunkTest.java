package dev.hearth.kb.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.kb.document.DocumentReaders;
import dev.hearth.kb.document.ParsedDocument;

/** A file read by DocumentReaders and cut by the Chunker, as ingestion will do it. */
class ReadAndChunkTest {

    @TempDir
    Path dir;

    @Test
    void chunksOfAMarkdownFileCarryItsHeadingPathAndExactOffsets() throws Exception {
        String md = "# 产品手册\n\n" + "本产品用于家庭储能。它可以在停电时供电！\n\n".repeat(8)
                + "## 安装\n\n" + "请先断开电源，然后固定支架。确认螺丝拧紧；再接通电源。\n\n".repeat(6)
                + "| 型号 | 容量 |\n|---|---|\n| A1 | 5kWh |\n| B2 | 10kWh |\n";
        Path file = Files.writeString(dir.resolve("manual.md"), md);

        ParsedDocument doc = DocumentReaders.standard().read(file);
        List<Chunk> chunks = Chunker.of(80, 20).chunk(doc);

        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.text()).isEqualTo(doc.text().substring(c.start(), c.end()));
            assertThat(c.text().length()).isLessThanOrEqualTo(80);
            assertThat(c.page()).isZero();
        });
        assertThat(chunks.getFirst().headings()).containsExactly("产品手册");
        assertThat(chunks.getLast().headings()).containsExactly("产品手册", "安装");
        assertThat(chunks.getLast().text()).endsWith("型号: A1; 容量: 5kWh\n型号: B2; 容量: 10kWh");
        assertThat(chunks).noneSatisfy(c -> assertThat(c.text()).contains("家庭储能").contains("断开电源"));
    }
}
