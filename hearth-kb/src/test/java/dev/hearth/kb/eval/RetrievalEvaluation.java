package dev.hearth.kb.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.kb.IngestionListener;
import dev.hearth.kb.KnowledgeBaseOptions;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.Retrieval;
import dev.hearth.kb.RetrievalOptions;
import dev.hearth.kb.answer.Passage;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.index.SearchMode;
import dev.hearth.kb.store.IngestionJob;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The retrieval evaluation: Chinese and English questions, each with the passage that answers it,
 * over documents the project holds (the corpus written for it under {@code kb-eval/corpus}, and
 * {@code docs/architecture.md}). For BM25 alone, vectors alone and hybrid fusion it measures
 * recall@5 (the answering passage among the first five) and MRR (the mean of 1/rank, 0 when
 * missed). A passage answers when it comes from the expected document and holds the answer's
 * words (whitespace aside), wherever the chunker cut.
 *
 * <p>It also measures what the relevance threshold rests on: the relevance of each answering
 * passage (hybrid), and the best relevance any passage reaches for questions the corpus says
 * nothing about; and which questions the default threshold would call not covered.
 */
public final class RetrievalEvaluation {
    /** One question and where its answer is. */
    record Question(String text, String document, String answer) {}

    /** One mode's scores. */
    record Score(double recallAt5, double mrr, List<Question> missed) {}

    /** The whole evaluation's outcome. */
    record Outcome(Map<SearchMode, Score> scores, int questions, double lowestAnsweringRelevance,
                   double highestOffTopicRelevance, List<String> offTopicCovered, List<String> answerableNotCovered,
                   int ingestedChunks) {}

    static final int K = 5;

    private RetrievalEvaluation() {
    }

    /**
     * Builds a knowledge base of the corpus under {@code dataDir} with {@code embedder} (closing it
     * at the end), asks every
     * question in every mode, and scores the answers.
     *
     * @param repository the checkout's root (for {@code docs/})
     */
    static Outcome run(Path dataDir, Embedder embedder, Path repository) throws IOException {
        List<Question> questions = questions();
        try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(dataDir).withMinRelevance(-1), embedder)) {
            bases.create("eval", "the retrieval evaluation's corpus");
            IngestionJob job = bases.add("eval", List.of(corpus(), repository.resolve("docs/architecture.md")), Set.of(),
                    IngestionListener.NONE);
            if (!job.errors().isEmpty()) {
                throw new IllegalStateException("the corpus did not go in whole: " + job.errors());
            }
            Map<SearchMode, Score> scores = new EnumMap<>(SearchMode.class);
            double lowestAnswering = Double.MAX_VALUE;
            List<String> notCovered = new ArrayList<>();
            for (SearchMode mode : SearchMode.values()) {
                double recall = 0;
                double reciprocalRanks = 0;
                List<Question> missed = new ArrayList<>();
                for (Question q : questions) {
                    Retrieval found = bases.retrieve("eval", q.text(), RetrievalOptions.defaults().withK(K).withMode(mode));
                    int rank = rankOfAnswer(found.passages(), q);
                    if (rank > 0) {
                        recall++;
                        reciprocalRanks += 1.0 / rank;
                        if (mode == SearchMode.HYBRID) {
                            lowestAnswering = Math.min(lowestAnswering, found.passages().get(rank - 1).relevance());
                        }
                    } else {
                        missed.add(q);
                    }
                    double best = bestRelevance(found);
                    if (mode == SearchMode.HYBRID && best < KnowledgeBaseOptions.DEFAULT_MIN_RELEVANCE) {
                        notCovered.add(q.text() + " (" + best + ")");
                    }
                }
                scores.put(mode, new Score(recall / questions.size(), reciprocalRanks / questions.size(), missed));
            }
            double highestOffTopic = -1;
            List<String> offTopicCovered = new ArrayList<>();
            for (String question : offTopic()) {
                Retrieval found = bases.retrieve("eval", question, RetrievalOptions.defaults().withK(K));
                double best = bestRelevance(found);
                highestOffTopic = Math.max(highestOffTopic, best);
                if (best >= KnowledgeBaseOptions.DEFAULT_MIN_RELEVANCE) {
                    offTopicCovered.add(question + " (" + best + ")");
                }
            }
            return new Outcome(scores, questions.size(), lowestAnswering, highestOffTopic, offTopicCovered, notCovered,
                    bases.describe("eval").chunks());
        }
    }

    private static double bestRelevance(Retrieval found) {
        return found.passages().stream().mapToDouble(Passage::relevance).max().orElse(-1);
    }

    static void print(Outcome outcome, PrintStream out) {
        out.printf("retrieval evaluation: %d questions, %d chunks, k = %d%n", outcome.questions(), outcome.ingestedChunks(), K);
        out.println("| mode | recall@5 | MRR |");
        out.println("| --- | --- | --- |");
        outcome.scores().forEach((mode, score) ->
                out.printf("| %s | %.3f | %.3f |%n", mode.name().toLowerCase(java.util.Locale.ROOT), score.recallAt5(), score.mrr()));
        outcome.scores().forEach((mode, score) -> score.missed().forEach(q ->
                out.printf("missed by %s: %s (%s)%n", mode, q.text(), q.document())));
        out.printf("relevance (cosine + coverage/2): lowest of an answering passage (hybrid) %.3f; highest for an"
                + " off-topic question %.3f; threshold %.2f%n", outcome.lowestAnsweringRelevance(),
                outcome.highestOffTopicRelevance(), KnowledgeBaseOptions.DEFAULT_MIN_RELEVANCE);
        outcome.answerableNotCovered().forEach(q -> out.println("answerable but called not covered: " + q));
        outcome.offTopicCovered().forEach(q -> out.println("off-topic but called covered: " + q));
    }

    /** The rank (from 1) of the first passage that answers {@code question}; 0 if none does. */
    static int rankOfAnswer(List<Passage> passages, Question question) {
        String answer = squeeze(question.answer());
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            if (p.documentName().equals(question.document()) && squeeze(p.text()).contains(answer)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static String squeeze(String text) {
        return text.replaceAll("\\s+", "");
    }

    static List<Question> questions() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Question> questions = new ArrayList<>();
        for (String line : resource("questions.jsonl").split("\n")) {
            if (!line.isBlank()) {
                JsonNode q = json.readTree(line);
                questions.add(new Question(q.get("question").asText(), q.get("document").asText(), q.get("answer").asText()));
            }
        }
        return questions;
    }

    static List<String> offTopic() throws IOException {
        return resource("off-topic.txt").lines().filter(l -> !l.isBlank()).toList();
    }

    static Path corpus() {
        try {
            return Path.of(RetrievalEvaluation.class.getResource("/kb-eval/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RetrievalEvaluation.class.getResourceAsStream("/kb-eval/" + name)) {
            if (in == null) {
                throw new IOException("kb-eval/" + name + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Prints the evaluation's table: {@code RetrievalEvaluation REPOSITORY_ROOT MODELS_DIR}. */
    public static void main(String[] args) throws IOException {
        Path repository = Path.of(args.length > 0 ? args[0] : ".");
        Path models = Path.of(args.length > 1 ? args[1] : "hearth-kb/target/models");
        Path data = Files.createTempDirectory("hearth-kb-eval");
        print(run(data, dev.hearth.kb.embed.Embedders.defaultModel(models), repository), System.out);
    }
}
