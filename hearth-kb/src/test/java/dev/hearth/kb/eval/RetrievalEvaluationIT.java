package dev.hearth.kb.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.kb.embed.Embedders;
import dev.hearth.kb.index.SearchMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The retrieval evaluation with the real default model (bge-small-zh-v1.5): hybrid retrieval finds
 * the answering passage among the first five for at least 90% of the questions, and the default
 * relevance threshold calls every off-topic question not covered and every answerable one covered.
 */
class RetrievalEvaluationIT {

    @Test
    void hybridRetrievalFindsTheAnswersAndTheThresholdSeparatesOffTopicQuestions(@TempDir Path data) throws Exception {
        RetrievalEvaluation.Outcome outcome = RetrievalEvaluation.run(data, Embedders.defaultModel(Path.of("target/models")),
                Path.of(".."));
        RetrievalEvaluation.print(outcome, System.err);

        assertThat(outcome.questions()).isGreaterThanOrEqualTo(40);
        assertThat(outcome.scores().get(SearchMode.HYBRID).recallAt5()).isGreaterThanOrEqualTo(0.9);
        assertThat(outcome.offTopicCovered()).as("off-topic questions the threshold lets through").isEmpty();
        assertThat(outcome.answerableNotCovered()).as("answerable questions the threshold turns away").isEmpty();
    }
}
