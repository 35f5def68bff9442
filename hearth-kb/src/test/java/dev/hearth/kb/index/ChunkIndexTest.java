package dev.hearth.kb.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.kb.chunk.Chunk;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkIndexTest {
    private static final ConceptBagEmbedder EMBEDDER = new ConceptBagEmbedder(384);

    @TempDir
    Path dir;

    private ChunkIndex index;

    @BeforeEach
    void open() {
        index = ChunkIndex.open(dir, EMBEDDER.dimension(), EMBEDDER.name());
    }

    @AfterEach
    void close() {
        index.close();
    }

    private void put(String id, Set<String> tags, List<String> headings, String... texts) {
        List<Chunk> chunks = new ArrayList<>();
        int offset = 0;
        for (String text : texts) {
            chunks.add(new Chunk(text, 1, offset, offset + text.length(), headings));
            offset += text.length();
        }
        index.replaceDocument(id, new DocumentInfo(id + ".txt", tags), chunks,
                EMBEDDER.embedPassages(List.of(texts)));
    }

    private void putSamples() {
        put("beijing", Set.of("geo"), List.of(), "北京是中国的首都，有故宫和长城等很多历史古迹。");
        put("dl", Set.of("ml"), List.of(), "深度学习模型需要大量的训练数据和计算资源。");
        put("plants", Set.of("bio"), List.of(), "Photosynthesis lets plants convert light energy into sugar.");
        put("rust", Set.of("code"), List.of(), "The borrow checker enforces ownership rules at compile time.");
        put("lucene", Set.of("code"), List.of(), "Lucene 使用 BM25 算法为每个文档评分。");
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::documentId).toList();
    }

    @Test
    void chineseQuestionFindsChinesePassage() {
        putSamples();
        List<SearchHit> hits = index.search(SearchRequest.bm25("中国的首都有哪些古迹？", 3));
        assertThat(ids(hits)).first().isEqualTo("beijing");
        assertThat(hits.getFirst().bm25Score()).isPresent();
        assertThat(hits.getFirst().cosine()).isEmpty();
    }

    @Test
    void englishQuestionFindsEnglishPassageThroughStemming() {
        putSamples();
        assertThat(ids(index.search(SearchRequest.bm25("how does a plant convert light?", 3))))
                .first().isEqualTo("plants");
        assertThat(ids(index.search(SearchRequest.bm25("ownership checking", 3)))).first().isEqualTo("rust");
    }

    @Test
    void mixedQuestionFindsMixedPassage() {
        putSamples();
        assertThat(ids(index.search(SearchRequest.bm25("Lucene 怎么给文档评分", 3)))).first().isEqualTo("lucene");
    }

    @Test
    void headingPathIsSearchable() {
        putSamples();
        put("manual", Set.of(), List.of("安装指南", "系统要求"), "至少需要八个内核和十六吉字节内存。");
        List<SearchHit> hits = index.search(SearchRequest.bm25("系统要求", 3));
        assertThat(ids(hits)).first().isEqualTo("manual");
        assertThat(hits.getFirst().chunk().headings()).containsExactly("安装指南", "系统要求");
    }

    @Test
    void vectorSearchFindsPassageSharingOnlyMeaning() {
        putSamples();
        put("car", Set.of(), List.of(), "汽车需要定期保养。");
        String question = "automobile upkeep";
        assertThat(index.search(SearchRequest.bm25(question, 3))).isEmpty();
        List<SearchHit> hits = index.search(SearchRequest.vector(EMBEDDER.embedQuery(question), 3));
        assertThat(ids(hits)).first().isEqualTo("car");
        SearchHit top = hits.getFirst();
        assertThat(top.cosine()).isPresent();
        assertThat(top.score()).isEqualTo(top.cosine().getAsDouble());
        assertThat(top.vectorRank()).hasValue(1);
        assertThat(top.bm25Score()).isEmpty();
    }

    @Test
    void hybridFusesAPassageOnlyBm25FindsWithOneOnlyVectorsFind() {
        // fillers are near the question in meaning (the vehicle concept) but share none of its words, so they
        // crowd the vector list and push out the passage whose only link to the question is a fault code
        List<DocumentChunks> fillers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String text = "The car number " + i + " was parked by vehicle owner " + i;
            fillers.add(new DocumentChunks("filler-" + i, new DocumentInfo("filler", Set.of()),
                    List.of(new Chunk(text, 0, 0, text.length(), List.of())), List.of(EMBEDDER.embed(text))));
        }
        index.replaceDocuments(fillers);
        put("fault", Set.of(), List.of(), "XR7731 means the pump valve is blocked; reset the controller.");
        put("car", Set.of(), List.of(), "汽车需要定期保养。");
        String question = "XR7731 automobile upkeep";

        List<SearchHit> hits = index.search(SearchRequest.hybrid(question, EMBEDDER.embedQuery(question), 5));

        assertThat(ids(hits).subList(0, 2)).containsExactlyInAnyOrder("fault", "car");
        SearchHit fault = hits.stream().filter(h -> h.documentId().equals("fault")).findFirst().orElseThrow();
        assertThat(fault.bm25Rank()).hasValue(1);
        assertThat(fault.vectorRank()).isEmpty();
        assertThat(fault.cosine()).isPresent(); // computed though the vector list did not have it
        assertThat(fault.score()).isEqualTo(1.0 / (ReciprocalRankFusion.K + 1));
        SearchHit car = hits.stream().filter(h -> h.documentId().equals("car")).findFirst().orElseThrow();
        assertThat(car.vectorRank()).hasValue(1);
        assertThat(car.bm25Rank()).isEmpty();
        assertThat(car.cosine().getAsDouble()).isGreaterThan(fault.cosine().getAsDouble());
        assertThat(hits).allSatisfy(h -> assertThat(h.cosine()).isPresent());
    }

    @Test
    void filtersByDocumentAndTagInEveryMode() {
        putSamples();
        put("beijing-2", Set.of("travel"), List.of(), "北京的首都机场很大。");
        String question = "北京 首都";
        float[] vector = EMBEDDER.embedQuery(question);
        for (SearchRequest request : List.of(SearchRequest.bm25(question, 10), SearchRequest.vector(vector, 10),
                SearchRequest.hybrid(question, vector, 10))) {
            assertThat(ids(index.search(request.withAnyTag(Set.of("travel"))))).containsExactly("beijing-2");
            assertThat(ids(index.search(request.inDocuments(Set.of("beijing", "dl")))))
                    .isSubsetOf("beijing", "dl").contains("beijing");
            assertThat(index.search(request.inDocuments(Set.of("beijing")).withAnyTag(Set.of("travel")))).isEmpty();
        }
    }

    @Test
    void replaceDocumentLeavesOnlyTheNewChunks() {
        put("doc", Set.of("old"), List.of(), "alpha first version", "beta first version", "gamma first version");
        assertThat(index.documentChunkCount("doc")).isEqualTo(3);
        put("doc", Set.of("new"), List.of(), "delta second edition");
        assertThat(index.documentChunkCount("doc")).isEqualTo(1);
        assertThat(index.chunkCount()).isEqualTo(1);
        assertThat(index.search(SearchRequest.bm25("alpha beta gamma version", 5))).isEmpty();
        assertThat(index.search(SearchRequest.bm25("anything", 5).withAnyTag(Set.of("old")))).isEmpty();
        List<SearchHit> hits = index.search(SearchRequest.bm25("delta edition", 5));
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.ordinal()).isZero();
            assertThat(h.chunk().text()).isEqualTo("delta second edition");
        });
    }

    @Test
    void replacesABatchOfDocumentsTogether() {
        put("a", Set.of(), List.of(), "old a");
        DocumentInfo info = new DocumentInfo("x", Set.of());
        DocumentChunks newA = new DocumentChunks("a", info, List.of(new Chunk("new a", 0, 0, 5, List.of())),
                List.of(EMBEDDER.embed("new a")));
        DocumentChunks b = new DocumentChunks("b", info, List.of(new Chunk("new b", 0, 0, 5, List.of())),
                List.of(EMBEDDER.embed("new b")));
        assertThatThrownBy(() -> index.replaceDocuments(List.of(newA, b, newA))).hasMessageContaining("twice");
        assertThat(index.documentChunkCount("b")).isZero();

        index.replaceDocuments(List.of(newA, b));
        assertThat(index.search(SearchRequest.bm25("new old", 5))).extracting(h -> h.chunk().text())
                .containsExactlyInAnyOrder("new a", "new b");
    }

    @Test
    void deleteDocumentRemovesItsChunksOnly() {
        putSamples();
        int before = index.chunkCount();
        index.deleteDocument("beijing");
        index.deleteDocument("never-indexed");
        assertThat(index.documentChunkCount("beijing")).isZero();
        assertThat(index.chunkCount()).isEqualTo(before - 1);
        assertThat(ids(index.search(SearchRequest.bm25("中国的首都", 5)))).doesNotContain("beijing");
    }

    @Test
    void reopeningKeepsChunksAndTheirFields() {
        Chunk chunk = new Chunk("Pumps need priming before the first start.", 7, 120, 163, List.of("Pumps", "Setup"));
        index.replaceDocument("pump", new DocumentInfo("manuals/pump.pdf", Set.of("hw")), List.of(chunk),
                EMBEDDER.embedPassages(List.of(chunk.text())));
        index.close();
        index = ChunkIndex.open(dir, EMBEDDER.dimension(), EMBEDDER.name());

        assertThat(index.chunkCount()).isEqualTo(1);
        SearchHit hit = index.search(SearchRequest.bm25("priming pumps", 1).withAnyTag(Set.of("hw"))).getFirst();
        assertThat(hit.documentId()).isEqualTo("pump");
        assertThat(hit.documentName()).isEqualTo("manuals/pump.pdf");
        assertThat(hit.chunk()).isEqualTo(chunk);
    }

    @Test
    void refusesAnIndexBuiltForAnotherEmbedderOrDimension() {
        index.close();
        assertThatThrownBy(() -> ChunkIndex.open(dir, 512, EMBEDDER.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dimension 384").hasMessageContaining("dimension 512");
        assertThatThrownBy(() -> ChunkIndex.open(dir, EMBEDDER.dimension(), "bge-small-zh-v1.5"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(EMBEDDER.name()).hasMessageContaining("bge-small-zh-v1.5");
        index = ChunkIndex.open(dir, EMBEDDER.dimension(), EMBEDDER.name());
    }

    @Test
    void refusesASecondOpenWhileTheFirstHoldsTheIndex() {
        assertThatThrownBy(() -> ChunkIndex.open(dir, EMBEDDER.dimension(), EMBEDDER.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is open elsewhere");
    }

    @Test
    void rejectsBadVectorsWithoutChangingTheIndex() {
        put("doc", Set.of(), List.of(), "kept text");
        Chunk chunk = new Chunk("new text", 0, 0, 8, List.of());
        DocumentInfo info = new DocumentInfo("doc", Set.of());
        assertThatThrownBy(() -> index.replaceDocument("doc", info, List.of(chunk), List.of()))
                .hasMessageContaining("1 chunks but 0 vectors");
        assertThatThrownBy(() -> index.replaceDocument("doc", info, List.of(chunk), List.of(new float[3])))
                .hasMessageContaining("3 dimensions");
        assertThatThrownBy(() -> index.replaceDocument("doc", info, List.of(chunk), List.of(new float[384])))
                .hasMessageContaining("unit-length");
        assertThatThrownBy(() -> index.search(SearchRequest.vector(new float[3], 1)))
                .hasMessageContaining("3 dimensions");
        assertThatThrownBy(() -> SearchRequest.bm25(" ", 1)).hasMessageContaining("non-blank question");
        assertThatThrownBy(() -> SearchRequest.bm25("q", 0)).hasMessageContaining("k must be");
        assertThat(index.search(SearchRequest.bm25("kept", 1))).hasSize(1);
    }

    @Test
    void searchesRunAlongsideWrites() throws Exception {
        putSamples();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> searches = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                searches.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        // the Beijing passage is never touched, so every search must see it whatever is mid-write
                        assertThat(ids(index.search(SearchRequest.bm25("中国的首都", 3)))).contains("beijing");
                    }
                }));
            }
            for (int i = 0; i < 30; i++) {
                put("churn", Set.of(), List.of(), "churning text version " + i, "second chunk " + i);
                assertThat(index.documentChunkCount("churn")).isEqualTo(2);
            }
            for (Future<?> search : searches) {
                search.get();
            }
        }
    }
}
