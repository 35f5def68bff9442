package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.testdata.TestData;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench verb runs end to end on stories260K; a functional check only: nothing timed is asserted. */
class BenchCommandIT {
    @TempDir
    static Path dir;

    private static Path model;

    @BeforeAll
    static void convertStories260k() throws Exception {
        model = dir.resolve("stories260K.gguf");
        Llama2cConverter.convert(TestData.file("stories260k/stories260K.bin"),
                TestData.file("stories260k/tok512.bin"), model);
    }

    @Test
    void jsonReportHasEveryMeasurementAndTheyArePositive() throws Exception {
        CliRun run = CliRun.of("bench", model.toString(), "-p", "16", "-n", "8", "-r", "2", "--warmup", "1",
                "-t", "2", "--bandwidth", "--bandwidth-mib", "8", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());

        assertThat(report.get("engine").asText()).isEqualTo("hearth");
        assertThat(report.get("architecture").asText()).isEqualTo("llama");
        assertThat(report.get("type").asText()).isEqualTo("F32");
        assertThat(report.get("threads").asInt()).isEqualTo(2);
        assertThat(report.get("prompt_tokens").asInt()).isEqualTo(16);
        assertThat(report.get("gen_tokens").asInt()).isEqualTo(8);
        assertThat(report.get("batch_size").asInt()).isEqualTo(16);
        assertThat(report.get("load_ms").asDouble()).isPositive();
        for (String test : new String[] {"pp", "tg"}) {
            JsonNode t = report.get(test);
            assertThat(t.get("tokens_per_second").asDouble()).as(test).isPositive();
            assertThat(t.get("stddev").asDouble()).as(test).isNotNegative();
            assertThat(t.get("samples")).as(test).hasSize(2);
        }
        assertThat(report.get("weight_bytes_per_token").asLong()).isEqualTo(report.get("model_bytes").asLong());
        assertThat(report.get("bandwidth").get("best_gbps").asDouble()).isPositive();
        assertThat(report.get("bandwidth").get("buffer_bytes").asLong()).isEqualTo(8L << 20);
        assertThat(report.get("tg_ceiling_tokens_per_second").asDouble()).isPositive();
        assertThat(report.get("tg_share_of_ceiling").asDouble()).isPositive();
    }

    @Test
    void textReportShowsBothTestsAndTheLoadTime() {
        CliRun run = CliRun.of("bench", model.toString(), "-p", "8", "-n", "4", "-r", "1", "--warmup", "0", "-t", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("load:", "ms (open to first token)")
                .containsPattern("pp8 +[0-9.]+ ± [0-9.]+")
                .containsPattern("tg4 +[0-9.]+ ± [0-9.]+")
                .contains("weights read per generated token: 1015.8 KiB")
                .doesNotContain("bandwidth");
    }

    @Test
    void generationAloneSkipsPromptProcessing() throws Exception {
        CliRun run = CliRun.of("bench", model.toString(), "-p", "0", "-n", "4", "-r", "1", "-t", "1", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.has("pp")).isFalse();
        assertThat(report.get("tg").get("tokens_per_second").asDouble()).isPositive();
    }

    @Test
    void bandwidthAloneNeedsNoModel() throws Exception {
        CliRun run = CliRun.of("bench", "--bandwidth", "--bandwidth-mib", "4", "-t", "2", "-r", "1", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("bandwidth").get("mean_gbps").asDouble()).isPositive();
        assertThat(report.has("tg")).isFalse();
    }

    @Test
    void neitherModelNorBandwidthIsAUsageError() {
        CliRun run = CliRun.of("bench");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give a model FILE, or --bandwidth");
    }

    @Test
    void promptLongerThanTheContextIsOneLine() {
        CliRun run = CliRun.of("bench", model.toString(), "-p", "4096", "-n", "0", "-t", "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("hearth: ").contains("context_length").hasLineCount(1);
    }

    @Test
    void tiedEmbeddingsAreReadWholeForEveryToken() throws Exception {
        try (GgufFile gguf = GgufFile.open(model)) {
            assertThat(gguf.tensor("output.weight")).isEmpty();
            long all = gguf.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
            assertThat(ModelBenchmark.weightBytesPerToken(gguf)).isEqualTo(all);
        }
    }

    @Test
    void throughputIsTheMeanAndSampleDeviation() {
        ModelBenchmark.Throughput t = ModelBenchmark.Throughput.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(t.mean()).isEqualTo(5.0);
        assertThat(t.stddev()).isCloseTo(Math.sqrt(32.0 / 7), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ModelBenchmark.Throughput.of(new double[] {3}).stddev()).isZero();
    }
}
