package dev.hearth.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.kb.answer.Passage;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import dev.hearth.kb.index.SearchMode;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.DocumentStatus;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.kb.store.JobState;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

class KnowledgeBasesTest {
    @TempDir
    Path data;
    @TempDir
    Path docs;
    private KnowledgeBases bases;

    @BeforeEach
    void open() {
        bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(data).withMinRelevance(0.3), new ConceptBagEmbedder(64));
    }

    @AfterEach
    void close() {
        bases.close();
    }

    @Test
    void createsListsDescribesAndDeletes() {
        bases.create("manuals", "plant manuals");
        bases.create("规章制度", "");
        assertThat(bases.list()).extracting(KnowledgeBaseSummary::name).containsExactlyInAnyOrder("manuals", "规章制度");
        KnowledgeBaseSummary manuals = bases.describe("manuals");
        assertThat(manuals.description()).isEqualTo("plant manuals");
        assertThat(manuals.embedder()).isEqualTo(bases.embedder().name());
        assertThat(manuals.documents()).isZero();

        bases.delete("manuals");
        assertThat(bases.list()).extracting(KnowledgeBaseSummary::name).containsExactly("规章制度");
        assertThat(data.resolve("kb/manuals")).doesNotExist();
        assertThatThrownBy(() -> bases.describe("manuals")).isInstanceOf(KnowledgeBaseException.class)
                .hasMessageContaining("no knowledge base called 'manuals'")
                .extracting(e -> ((KnowledgeBaseException) e).kind()).isEqualTo(KnowledgeBaseException.Kind.NOT_FOUND);
    }

    @Test
    void refusesBadAndTakenNames() {
        bases.create("manuals", "");
        assertThatThrownBy(() -> bases.create("manuals", "")).isInstanceOf(KnowledgeBaseException.class)
                .extracting(e -> ((KnowledgeBaseException) e).kind()).isEqualTo(KnowledgeBaseException.Kind.CONFLICT);
        assertThatThrownBy(() -> bases.create("../etc", "")).isInstanceOf(KnowledgeBaseException.class)
                .extracting(e -> ((KnowledgeBaseException) e).kind()).isEqualTo(KnowledgeBaseException.Kind.INVALID);
    }

    @Test
    void addsAFolderReportingEachBadFileAndKeepingTheRest() throws IOException {
        write("safety.md", "# Safety\n\nHot work needs a permit signed by the shift manager.\n");
        write("notes/storage.txt", "易燃液体仓库的温度不得超过三十摄氏度。\n");
        write("staff.csv", "name,role\nAda,engineer\nLin,chemist\n");
        write("scan.bin", "\u0000\u0001binary");
        write("empty.txt", "");
        write(".hidden/secret.md", "# Hidden\n\nnot to be read\n");
        bases.create("plant", "");
        List<IngestionJob> progress = new ArrayList<>();

        IngestionJob job = bases.add("plant", List.of(docs, docs.resolve("missing.pdf")), Set.of("site-a"), progress::add);

        assertThat(job.progress().state()).isEqualTo(JobState.DONE);
        assertThat(job.totalFiles()).isEqualTo(6); // five files (the hidden folder skipped) and the missing path
        assertThat(job.progress().filesDone()).isEqualTo(3);
        assertThat(job.progress().filesFailed()).isEqualTo(3);
        assertThat(job.errors()).extracting(e -> Path.of(e.file()).getFileName().toString())
                .containsExactlyInAnyOrder("scan.bin", "empty.txt", "missing.pdf");
        assertThat(job.errors()).allSatisfy(e -> assertThat(e.message()).isNotBlank());
        assertThat(progress).isNotEmpty();
        assertThat(progress.getLast()).isEqualTo(job);
        assertThat(bases.job("plant", job.id())).get().extracting(j -> j.progress().state()).isEqualTo(JobState.DONE);

        List<DocumentRecord> documents = bases.documents("plant");
        assertThat(documents).filteredOn(d -> d.status() == DocumentStatus.INDEXED)
                .extracting(d -> Path.of(d.path()).getFileName().toString())
                .containsExactlyInAnyOrder("safety.md", "storage.txt", "staff.csv");
        assertThat(documents).filteredOn(d -> d.status() == DocumentStatus.INDEXED)
                .allSatisfy(d -> assertThat(d.tags()).containsExactly("site-a"));
        assertThat(bases.describe("plant").chunks()).isGreaterThanOrEqualTo(3);

        Retrieval found = bases.retrieve("plant", "who signs the hot work permit?", RetrievalOptions.defaults());
        assertThat(found.covered()).isTrue();
        Passage best = found.passages().getFirst();
        assertThat(best.number()).isEqualTo(1);
        assertThat(best.documentName()).isEqualTo("safety.md");
        assertThat(best.headingPath()).isEqualTo("Safety");
        assertThat(best.text()).contains("shift manager");
        assertThat(bases.retrieve("plant", "仓库温度不得超过多少？", RetrievalOptions.defaults().withMode(SearchMode.BM25))
                .passages().getFirst().documentName()).isEqualTo("storage.txt");
    }

    @Test
    void aChangedFileReplacesItsOldVersionAndAnUnchangedOneIsSkipped() throws IOException {
        Path file = write("policy.md", "# Policy\n\nInvoices are kept for seven years.\n");
        bases.create("office", "");
        bases.add("office", List.of(file), Set.of(), IngestionListener.NONE);
        String firstHash = bases.documents("office").getFirst().contentHash();

        IngestionJob again = bases.add("office", List.of(file), Set.of(), IngestionListener.NONE);
        assertThat(again.progress().filesDone()).isEqualTo(1);
        assertThat(again.progress().chunks()).isZero(); // nothing re-embedded

        write("policy.md", "# Policy\n\nInvoices are kept for ten years.\n");
        bases.add("office", List.of(file), Set.of(), IngestionListener.NONE);
        assertThat(bases.documents("office")).singleElement().satisfies(d -> {
            assertThat(d.contentHash()).isNotEqualTo(firstHash);
            assertThat(d.status()).isEqualTo(DocumentStatus.INDEXED);
        });
        List<Passage> passages = bases.retrieve("office", "how long are invoices kept?",
                RetrievalOptions.defaults().withK(10)).passages();
        assertThat(passages).extracting(Passage::text).anyMatch(t -> t.contains("ten years"))
                .noneMatch(t -> t.contains("seven years"));
    }

    @Test
    void aFileThatCannotBeReadKeepsItsIndexedVersion() throws IOException {
        Path file = write("report.txt", "The pump was overhauled in March.\n");
        bases.create("plant", "");
        bases.add("plant", List.of(file), Set.of(), IngestionListener.NONE);
        Files.write(file, new byte[] {0, 1, 2, 3, 0, 0});

        IngestionJob job = bases.add("plant", List.of(file), Set.of(), IngestionListener.NONE);

        assertThat(job.progress().filesFailed()).isEqualTo(1);
        assertThat(bases.documents("plant")).singleElement().extracting(DocumentRecord::status).isEqualTo(DocumentStatus.INDEXED);
        assertThat(bases.retrieve("plant", "when was the pump overhauled?", RetrievalOptions.defaults()).covered()).isTrue();
    }

    @Test
    void removesADocumentByFileName() throws IOException {
        bases.create("plant", "");
        bases.add("plant", List.of(write("a.md", "# A\n\nPumps need oil.\n"), write("b.md", "# B\n\nValves need grease.\n")),
                Set.of(), IngestionListener.NONE);

        DocumentRecord removed = bases.removeDocument("plant", "a.md");

        assertThat(Path.of(removed.path()).getFileName().toString()).isEqualTo("a.md");
        assertThat(bases.documents("plant")).extracting(d -> Path.of(d.path()).getFileName().toString()).containsExactly("b.md");
        assertThat(bases.retrieve("plant", "pumps oil", RetrievalOptions.defaults().withMode(SearchMode.BM25)).passages())
                .extracting(Passage::documentName).doesNotContain("a.md");
        assertThatThrownBy(() -> bases.removeDocument("plant", "a.md")).isInstanceOf(KnowledgeBaseException.class)
                .hasMessageContaining("no document 'a.md'");
    }

    @Test
    void filesOutsideTheAllowedFoldersAreRefused(@TempDir Path elsewhere) throws IOException {
        Path outside = Files.writeString(elsewhere.resolve("secret.txt"), "The vault code is 1234.");
        Path inside = write("ok.txt", "Pumps need oil.");
        bases.create("plant", "");

        IngestionJob job = bases.startAdd("plant", List.of(inside, outside), Set.of(), List.of(docs),
                IngestionListener.NONE, () -> false);
        IngestionJob done = awaitDone("plant", job.id());

        assertThat(done.progress().filesDone()).isEqualTo(1);
        assertThat(done.errors()).singleElement().satisfies(e -> {
            assertThat(e.file()).endsWith("secret.txt");
            assertThat(e.message()).contains("outside the folders");
        });
    }

    @Test
    void saysWhenNothingRelevantIsFound() throws IOException {
        bases.create("plant", "");
        bases.add("plant", List.of(write("a.md", "# Pumps\n\nPumps need oil every month.\n")), Set.of(), IngestionListener.NONE);

        assertThat(bases.retrieve("plant", "pumps oil", RetrievalOptions.defaults()).covered()).isTrue();
        assertThat(bases.retrieve("plant", "bake sourdough bread", RetrievalOptions.defaults()).covered()).isFalse();
        assertThatThrownBy(() -> bases.retrieve("plant", " ", RetrievalOptions.defaults()))
                .isInstanceOf(KnowledgeBaseException.class).hasMessageContaining("question is empty");
    }

    @Test
    void reopensWithEverythingInPlace() throws IOException {
        bases.create("plant", "");
        bases.add("plant", List.of(write("a.md", "# Pumps\n\nPumps need oil every month.\n")), Set.of(), IngestionListener.NONE);
        bases.close();

        bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(data).withMinRelevance(0.3), new ConceptBagEmbedder(64));

        assertThat(bases.describe("plant").documents()).isEqualTo(1);
        assertThat(bases.retrieve("plant", "pumps oil", RetrievalOptions.defaults()).covered()).isTrue();
    }

    @Test
    void aKnowledgeBaseIsNotDeletedWhileDocumentsAreBeingAdded() throws Exception {
        Path file = write("a.md", "# A\n\nPumps need oil.\n");
        bases.create("plant", "");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        IngestionJob job = bases.startAdd("plant", List.of(file), Set.of(), List.of(), progress -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> false);

        assertThatThrownBy(() -> bases.delete("plant")).isInstanceOf(KnowledgeBaseException.class)
                .hasMessageContaining("being added")
                .extracting(e -> ((KnowledgeBaseException) e).kind()).isEqualTo(KnowledgeBaseException.Kind.CONFLICT);
        release.countDown();
        awaitDone("plant", job.id());
        for (int i = 0; i < 100 && bases.list().size() == 1; i++) { // the job's count ends just after its last report
            try {
                bases.delete("plant");
            } catch (KnowledgeBaseException stillEnding) {
                Thread.sleep(20);
            }
        }
        assertThat(bases.list()).isEmpty();
    }

    private IngestionJob awaitDone(String kb, long id) {
        for (int i = 0; i < 600; i++) {
            IngestionJob job = bases.job(kb, id).orElseThrow();
            if (job.progress().state() != JobState.RUNNING) {
                return job;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("job " + id + " did not finish in 30 s");
    }

    private Path write(String name, String text) throws IOException {
        Path file = docs.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
