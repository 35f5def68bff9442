package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code hearth kb} with the built-in embedding model (bge-small-zh-v1.5, converted into the data
 * directory on first use): create, add a folder with a file that cannot go in, list, info, ask
 * (cited passages; not covered; with a generating model), remove a document and the knowledge
 * base. And the main job: {@code hearth serve} with no model serves knowledge bases and the
 * embedding model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KbCommandIT {
    @TempDir
    static Path dir;
    static Path data;
    static Path docs;

    @BeforeAll
    static void documents() throws Exception {
        data = dir.resolve("data");
        docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("safety.md"), "# 动火作业\n\n二级动火作业许可证由车间主任审批，有效期不超过七十二小时。\n");
        Files.writeString(docs.resolve("records.md"), "# Retention\n\nInvoices are kept for seven years after the financial year.\n");
        Files.writeString(docs.resolve("tool.exe"), "MZ");
    }

    @Test
    @Order(1)
    void createsAddsAndLists() {
        CliRun created = CliRun.of("kb", "create", "plant", "--description", "plant rules", "--data-dir", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("created knowledge base plant (embeddings: bge-small-zh-v1.5)");
        assertThat(data.resolve("models/bge-small-zh-v1.5.gguf")).exists();

        CliRun added = CliRun.of("kb", "add", "plant", docs.toString(), "--tag", "rules", "--data-dir", data.toString());
        assertThat(added.exitCode()).as("a file was not added").isEqualTo(1);
        assertThat(added.out()).contains("added 2 of 3 files to plant").contains("not added:").contains("tool.exe")
                .contains("unsupported");
        assertThat(added.err()).contains("3/3 files"); // the progress, a line per file off a terminal

        CliRun list = CliRun.of("kb", "list", "--data-dir", data.toString());
        assertThat(list.out()).containsPattern("plant\\s+3 documents\\s+2 chunks\\s+plant rules");
        CliRun info = CliRun.of("kb", "info", "plant", "--data-dir", data.toString());
        assertThat(info.out()).contains("embeddings:  bge-small-zh-v1.5").contains("indexed").contains("safety.md")
                .contains("failed").contains("tool.exe");
        assertThat(CliRun.of("kb", "create", "plant", "--data-dir", data.toString()).err())
                .contains("hearth: a knowledge base called 'plant' already exists");
    }

    @Test
    @Order(2)
    void asksWithCitationsAndSaysWhatItDoesNotCover() throws Exception {
        CliRun asked = CliRun.of("kb", "ask", "plant", "二级动火许可证谁审批？", "--data-dir", data.toString());
        assertThat(asked.exitCode()).as(asked.err()).isZero();
        assertThat(asked.out()).startsWith("[1] safety.md, 动火作业").contains("车间主任审批");

        CliRun offTopic = CliRun.of("kb", "ask", "plant", "怎样做一个好吃的红烧肉？", "--data-dir", data.toString());
        assertThat(offTopic.out().strip()).isEqualTo("知识库「plant」中没有与这个问题相关的内容。");

        Path model = SyntheticModels.write(Preset.TINY, SynthType.Q8_0, 1, dir.resolve("tiny.gguf")).file();
        CliRun generated = CliRun.of("kb", "ask", "plant", "How long are invoices kept?", "--model", model.toString(),
                "--max-tokens", "4", "--threads", "1", "--data-dir", data.toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        String answer = generated.out().substring(0, generated.out().indexOf("[1] records.md"));
        assertThat(answer.strip()).isNotEmpty(); // the tiny model's words, then the passages it was given
    }

    @Test
    @Order(3)
    void servesKnowledgeBasesAndTheEmbeddingModelWithNoOtherArgument() throws Exception {
        try (ServeProcess server = ServeProcess.start("--data-dir", data.toString())) {
            ObjectMapper json = new ObjectMapper();
            JsonNode models = json.readTree(server.get("/v1/models").body());
            assertThat(models.get("data").findValuesAsText("id")).containsExactlyInAnyOrder("bge-small-zh-v1.5", "kb:plant");
            JsonNode bases = json.readTree(server.get("/v1/kb").body());
            assertThat(bases.at("/data/0/name").asText()).isEqualTo("plant");
            JsonNode embedding = json.readTree(server.post("/v1/embeddings",
                    "{\"model\":\"bge-small-zh-v1.5\",\"input\":\"你好\"}").body());
            assertThat(embedding.at("/data/0/embedding").size()).isEqualTo(512);
            JsonNode chat = json.readTree(server.post("/v1/chat/completions",
                    "{\"model\":\"kb:plant\",\"messages\":[{\"role\":\"user\",\"content\":\"How long are invoices kept?\"}]}").body());
            assertThat(chat.at("/choices/0/message/content").asText()).contains("seven years").contains("[1]");
            assertThat(chat.at("/citations/0/document").asText()).isEqualTo("records.md");
            assertThat(server.get("/kb").statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(4)
    void removesADocumentThenTheKnowledgeBase() {
        CliRun removed = CliRun.of("kb", "rm", "plant", "records.md", "--data-dir", data.toString());
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed ").contains("records.md");
        assertThat(CliRun.of("kb", "rm", "plant", "records.md", "--data-dir", data.toString()).err())
                .contains("has no document 'records.md'");
        assertThat(CliRun.of("kb", "rm", "plant", "--data-dir", data.toString()).out()).contains("deleted knowledge base plant");
        assertThat(CliRun.of("kb", "list", "--data-dir", data.toString()).out()).contains("no knowledge bases");
    }
}
