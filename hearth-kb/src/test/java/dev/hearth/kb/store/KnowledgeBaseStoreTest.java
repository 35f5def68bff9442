package dev.hearth.kb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeBaseStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    private static final String HASH = "a".repeat(64);

    @TempDir
    Path dataDir;

    private KnowledgeBaseStore store;

    @BeforeEach
    void open() {
        store = KnowledgeBaseStore.open(dataDir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static KnowledgeBase kb(String name) {
        return new KnowledgeBase(name, "about " + name, T0, "bge-small-zh-v1.5");
    }

    private static DocumentRecord doc(String kb, String path, DocumentStatus status, Optional<String> error) {
        return new DocumentRecord(kb, path, HASH, 1234, "pdf", Set.of("hr", "2026"), 7, status, error, T0);
    }

    @Test
    void createsListsGetsAndDeletesKnowledgeBases() {
        store.createKnowledgeBase(kb("规章制度"));
        store.createKnowledgeBase(kb("alpha_1"));
        assertThat(store.knowledgeBases()).extracting(KnowledgeBase::name).containsExactly("alpha_1", "规章制度");
        assertThat(store.knowledgeBase("规章制度")).contains(kb("规章制度"));
        assertThatThrownBy(() -> store.createKnowledgeBase(kb("alpha_1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already exists");
        assertThat(store.deleteKnowledgeBase("alpha_1")).isTrue();
        assertThat(store.deleteKnowledgeBase("alpha_1")).isFalse();
        assertThat(store.knowledgeBase("alpha_1")).isEmpty();
    }

    @Test
    void rejectsNamesThatCannotBeDirectories() {
        for (String bad : List.of("", "has space", "a/b", "..", "dot.name", "-flag", "CON", "é", "x".repeat(65))) {
            assertThatThrownBy(() -> kb(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("knowledge base");
        }
        assertThat(KnowledgeBaseNames.requireValid("员工手册-2026_v2")).isEqualTo("员工手册-2026_v2");
        assertThat(KnowledgeBaseNames.requireValid("汉".repeat(64))).hasSize(64);
    }

    @Test
    void upsertsDocumentsUnderAnIdDerivedFromThePath() {
        store.createKnowledgeBase(kb("hr"));
        DocumentRecord pending = doc("hr", "policies/leave.pdf", DocumentStatus.PENDING, Optional.empty());
        store.upsertDocument(pending);
        DocumentRecord indexed = new DocumentRecord("hr", "policies/leave.pdf", "b".repeat(64), 99, "pdf",
                Set.of(), 3, DocumentStatus.INDEXED, Optional.empty(), T0.plusSeconds(5));
        store.upsertDocument(indexed);

        assertThat(indexed.id()).isEqualTo(pending.id()).isEqualTo(DocumentIds.forPath("policies\\leave.pdf"));
        assertThat(store.documents("hr")).containsExactly(indexed);
        assertThat(store.document("hr", indexed.id())).contains(indexed);
        assertThat(store.documentByPath("hr", "policies/leave.pdf")).contains(indexed);

        DocumentRecord failed = doc("hr", "broken.docx", DocumentStatus.FAILED, Optional.of("not a zip file"));
        store.upsertDocument(failed);
        assertThat(store.documents("hr")).containsExactly(failed, indexed);
        assertThat(store.deleteDocument("hr", failed.id())).isTrue();
        assertThat(store.deleteDocument("hr", failed.id())).isFalse();
        assertThat(store.documents("hr")).containsExactly(indexed);
    }

    @Test
    void rejectsBadDocuments() {
        assertThatThrownBy(() -> store.upsertDocument(doc("nowhere", "a.pdf", DocumentStatus.PENDING,
                Optional.empty()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no knowledge base named nowhere");
        assertThatThrownBy(() -> doc("hr", "a.pdf", DocumentStatus.FAILED, Optional.empty()))
                .hasMessageContaining("needs an error message");
        assertThatThrownBy(() -> doc("hr", "a.pdf", DocumentStatus.INDEXED, Optional.of("oops")))
                .hasMessageContaining("only a FAILED one");
        assertThatThrownBy(() -> new DocumentRecord("hr", "a.pdf", "ABC", 1, "pdf", Set.of(), 0,
                DocumentStatus.PENDING, Optional.empty(), T0)).hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> doc("hr", " ", DocumentStatus.PENDING, Optional.empty()))
                .hasMessageContaining("source path");
    }

    @Test
    void deletingAKnowledgeBaseDeletesItsDocumentsAndJobs() {
        store.createKnowledgeBase(kb("hr"));
        store.upsertDocument(doc("hr", "a.pdf", DocumentStatus.PENDING, Optional.empty()));
        long job = store.startJob("hr", 1, T0).id();
        store.addJobError(job, new FileError("a.pdf", "encrypted"));
        store.deleteKnowledgeBase("hr");
        store.createKnowledgeBase(kb("hr"));
        assertThat(store.documents("hr")).isEmpty();
        assertThat(store.job(job)).isEmpty();
    }

    @Test
    void tracksJobProgressAndErrors() {
        store.createKnowledgeBase(kb("hr"));
        IngestionJob first = store.startJob("hr", 3, T0);
        IngestionJob job = store.startJob("hr", 10, T0.plusSeconds(1));
        assertThat(job.progress().state()).isEqualTo(JobState.RUNNING);
        assertThat(job.id()).isGreaterThan(first.id());

        store.updateJob(job.id(), new JobProgress(4, 1, 120, 35.5, JobState.RUNNING, T0.plusSeconds(3)));
        store.addJobError(job.id(), new FileError("scan.pdf", "no text layer"));
        store.addJobError(job.id(), new FileError("old.doc", "unsupported format"));
        JobProgress done = new JobProgress(8, 2, 300, 40.0, JobState.DONE, T0.plusSeconds(9));
        store.updateJob(job.id(), done);

        IngestionJob read = store.job(job.id()).orElseThrow();
        assertThat(read.progress()).isEqualTo(done);
        assertThat(read.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(read.errors()).containsExactly(new FileError("scan.pdf", "no text layer"),
                new FileError("old.doc", "unsupported format"));
        assertThat(store.recentJobs("hr", 10)).extracting(IngestionJob::id).containsExactly(job.id(), first.id());
        assertThat(store.recentJobs("hr", 1)).containsExactly(read);

        assertThatThrownBy(() -> store.updateJob(job.id(), done))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already DONE");
        assertThatThrownBy(() -> store.updateJob(first.id(), new JobProgress(3, 1, 0, 0, JobState.RUNNING, T0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 3 files");
        assertThatThrownBy(() -> store.updateJob(12345, done)).hasMessageContaining("no ingestion job 12345");
        assertThatThrownBy(() -> store.startJob("nowhere", 1, T0)).hasMessageContaining("no knowledge base");
    }

    @Test
    void reopeningKeepsEverything() {
        store.createKnowledgeBase(kb("hr"));
        DocumentRecord d = doc("hr", "a.pdf", DocumentStatus.INDEXED, Optional.empty());
        store.upsertDocument(d);
        IngestionJob job = store.startJob("hr", 1, T0);
        store.addJobError(job.id(), new FileError("b.pdf", "bad"));
        store.close();

        store = KnowledgeBaseStore.open(dataDir);
        assertThat(store.knowledgeBase("hr")).contains(kb("hr"));
        assertThat(store.documents("hr")).containsExactly(d);
        assertThat(store.job(job.id()).orElseThrow().errors()).containsExactly(new FileError("b.pdf", "bad"));
        assertThat(store.startJob("hr", 1, T0).id()).isGreaterThan(job.id());
    }

    @Test
    void refusesASecondStoreOnTheSameDirectory() {
        assertThatThrownBy(() -> KnowledgeBaseStore.open(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in use by another Hearth process");
        store.createKnowledgeBase(kb("still-usable"));
        assertThat(store.knowledgeBases()).hasSize(1);
    }

    @Test
    void failsClearlyOnceClosed() {
        store.close();
        assertThatThrownBy(() -> store.knowledgeBases()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
