package dev.hearth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.spi.Backend;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.runtime.ModelOptions;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hearth bench FILE}: llama-bench's measurements (prompt processing and generation speed) on
 * Hearth's CPU backend, and optionally the memory bandwidth that bounds generation. See
 * {@link ModelBenchmark} for what is timed, and bench/README.md for the side-by-side harness.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure prompt processing (pp) and generation (tg) speed in tokens per second, as llama-bench does.",
                "pp: P random tokens in one forward call; tg: N forward calls of one token; both from an empty cache,"
                        + " after warm-up runs, repeated and reported as mean ± standard deviation."})
final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The .gguf model (optional with --bandwidth).")
    Path file;

    @Option(names = {"-p", "--prompt-tokens"}, paramLabel = "P", defaultValue = "512",
            description = "Tokens of the prompt-processing test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = {"-n", "--gen-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Tokens of the generation test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int generatedTokens;

    @Option(names = {"-t", "--threads"}, paramLabel = "K",
            description = "Threads of the CPU backend (default: available processors).")
    Integer threads;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "R", defaultValue = "5",
            description = "Timed runs of each test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
            description = "Untimed runs of each test first (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "B",
            description = "Most tokens one forward step pushes through the weights together (default: P, so the prompt is one batch).")
    Integer batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random token ids (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bandwidth", description = "Also measure memory read bandwidth, and generation as a share of its ceiling.")
    boolean bandwidth;

    @Option(names = "--bandwidth-mib", paramLabel = "MiB", defaultValue = "1024",
            description = "Size of the buffer the bandwidth test reads; make it much larger than the caches (default: ${DEFAULT-VALUE}).")
    int bandwidthMib;

    @Option(names = "--matmul", description = "Also measure the float32 matrix-multiply rate (GFLOP/s), training's ceiling.")
    boolean matmul;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (file == null && !bandwidth && !matmul) {
            throw new ParameterException(spec.commandLine(),
                    "give a model FILE, or --bandwidth or --matmul to measure the machine alone");
        }
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threadCount);
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode report = mapper.createObjectNode();
        report.put("engine", "hearth");
        report.put("jdk", Runtime.version().toString());
        report.put("threads", threadCount);

        Long bytesPerToken = null;
        ModelBenchmark.Result result = null;
        if (file != null) {
            ModelBenchmark.Settings settings = new ModelBenchmark.Settings(
                    promptTokens, generatedTokens, repetitions, warmups, seed);
            int batch = batchSize != null ? batchSize : Math.max(1, promptTokens);
            try (GgufFile gguf = GgufFile.open(file)) {
                GgufSummary summary = GgufSummary.of(gguf);
                bytesPerToken = ModelBenchmark.weightBytesPerToken(gguf);
                report.put("model", file.toString());
                report.put("architecture", summary.architecture());
                report.put("type", dominantType(summary.typeMix()));
                report.put("parameters", summary.parameterCount());
                report.put("model_bytes", summary.typeMix().values().stream().mapToLong(GgufSummary.TypeShare::bytes).sum());
                report.put("weight_bytes_per_token", bytesPerToken);
            }
            try (Backend backend = Backend.cpu(threadCount)) {
                report.put("backend", backend.description());
                ModelOptions options = ModelOptions.defaults().withKernels(backend.kernels()).withBatchSize(batch);
                result = ModelBenchmark.run(file, options, settings);
            }
            report.put("prompt_tokens", promptTokens);
            report.put("gen_tokens", generatedTokens);
            report.put("batch_size", batch);
            report.put("repetitions", repetitions);
            report.put("warmups", warmups);
            report.put("load_ms", result.loadMillis());
            putThroughput(report, "pp", result.promptProcessing());
            putThroughput(report, "tg", result.generation());
        }
        MemoryBandwidth.Measurement memory = null;
        if (bandwidth) {
            try (WorkerPool pool = new WorkerPool(threadCount)) {
                memory = MemoryBandwidth.measure(pool, (long) bandwidthMib << 20, Math.max(3, repetitions));
            }
            ObjectNode node = report.putObject("bandwidth");
            node.put("best_gbps", memory.bestGbps());
            node.put("mean_gbps", memory.meanGbps());
            node.put("buffer_bytes", memory.bytes());
            node.put("threads", memory.threads());
            if (result != null && result.generation() != null) {
                double ceiling = memory.bestGbps() * 1e9 / bytesPerToken;
                report.put("tg_ceiling_tokens_per_second", ceiling);
                report.put("tg_share_of_ceiling", result.generation().mean() / ceiling);
            }
        }

        MatMulRate rate = null;
        if (matmul) {
            try (WorkerPool pool = new WorkerPool(threadCount)) {
                rate = MatMulRate.measure(pool, Math.max(5, repetitions));
            }
            ObjectNode node = report.putObject("matmul");
            node.put("best_gflops", rate.gflops());
            node.put("mean_gflops", rate.meanGflops());
            node.put("threads", rate.threads());
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper.writeValueAsString(report));
        } else {
            printText(out, report, result, memory, bytesPerToken);
            if (rate != null) {
                out.printf(Locale.ROOT, "matrix multiply: %.1f GFLOP/s best, %.1f mean (float32, 1024×1024 × 256 tokens, "
                        + "%d threads)%n", rate.gflops(), rate.meanGflops(), rate.threads());
            }
        }
        out.flush();
        return 0;
    }

    private static void putThroughput(ObjectNode report, String test, ModelBenchmark.Throughput t) {
        if (t == null) {
            return;
        }
        ObjectNode node = report.putObject(test);
        node.put("tokens_per_second", t.mean());
        node.put("stddev", t.stddev());
        var samples = node.putArray("samples");
        for (double s : t.samples()) {
            samples.add(s);
        }
    }

    private void printText(PrintWriter out, ObjectNode report, ModelBenchmark.Result result,
                           MemoryBandwidth.Measurement memory, Long bytesPerToken) {
        if (result != null) {
            out.printf("model:     %s (%s, %s, %s parameters, %s)%n", file, report.get("architecture").asText(),
                    report.get("type").asText(), InfoCommand.Units.count(report.get("parameters").asLong()),
                    InfoCommand.Units.bytes(report.get("model_bytes").asLong()));
            out.printf("backend:   %s; batch %d, %d warm-up + %d timed runs each%n", report.get("backend").asText(),
                    report.get("batch_size").asInt(), warmups, repetitions);
            out.printf(Locale.ROOT, "load:      %.1f ms (open to first token)%n", result.loadMillis());
            out.printf("%-8s %24s%n", "test", "tokens/s");
            if (result.promptProcessing() != null) {
                out.printf("%-8s %24s%n", "pp" + promptTokens, meanAndDeviation(result.promptProcessing()));
            }
            if (result.generation() != null) {
                out.printf("%-8s %24s%n", "tg" + generatedTokens, meanAndDeviation(result.generation()));
            }
            out.printf("weights read per generated token: %s%n", InfoCommand.Units.bytes(bytesPerToken));
        }
        if (memory != null) {
            out.printf(Locale.ROOT, "memory bandwidth: %.1f GB/s best, %.1f GB/s mean (reading %s with %d threads)%n",
                    memory.bestGbps(), memory.meanGbps(), InfoCommand.Units.bytes(memory.bytes()), memory.threads());
            if (report.has("tg_ceiling_tokens_per_second")) {
                out.printf(Locale.ROOT, "generation ceiling: %.1f tokens/s; tg runs at %.1f%% of it%n",
                        report.get("tg_ceiling_tokens_per_second").asDouble(),
                        100 * report.get("tg_share_of_ceiling").asDouble());
            }
        }
    }

    private static String meanAndDeviation(ModelBenchmark.Throughput t) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", t.mean(), t.stddev());
    }

    /** The type holding most of the weight bytes, e.g. Q4_K for a Q4_K_M file. */
    private static String dominantType(Map<GgmlType, GgufSummary.TypeShare> mix) {
        return mix.entrySet().stream()
                .max(Comparator.comparingLong(e -> e.getValue().bytes()))
                .map(e -> e.getKey().name())
                .orElse("none");
    }
}
