package dev.hearth.bench.kb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The knowledge-base benchmarks, a plain main (not JMH, not a test); bench/kb.sh builds and runs it.
 *
 * <pre>
 * KnowledgeBaseBench [embed] [ingest] [query] [--smoke] [-t THREADS] [--sizes 10000,100000]
 *                    [--queries 200] [--files 100] [--sentences 64] [--work DIR] [--models DIR]
 * </pre>
 *
 * No part named runs all three. {@code --smoke} makes every part take seconds (CI calls it): few
 * sentences, 5 files, 1,000 chunks and 20 queries. It fails (exit status 1) if a part fails.
 */
public final class KnowledgeBaseBench {
    private KnowledgeBaseBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> parts = new ArrayList<>();
        boolean smoke = false;
        int threads = Runtime.getRuntime().availableProcessors();
        int[] sizes = null;
        Integer queries = null;
        Integer files = null;
        Integer sentences = null;
        Path work = null;
        Path models = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "embed", "ingest", "query" -> parts.add(arg);
                case "--smoke" -> smoke = true;
                case "-t", "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.strip()))
                        .toArray();
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--sentences" -> sentences = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--models" -> models = Path.of(args[++i]);
                default -> {
                    System.err.println("KnowledgeBaseBench: unknown argument " + arg
                            + " (embed|ingest|query, --smoke, -t N, --sizes A,B, --queries N, --files N, "
                            + "--sentences N, --work DIR, --models DIR)");
                    System.exit(2);
                }
            }
        }
        if (parts.isEmpty()) {
            parts = List.of("embed", "ingest", "query");
        }
        boolean temporary = work == null;
        work = temporary ? Files.createTempDirectory("hearth-kb-bench") : Files.createDirectories(work);
        models = models != null ? models : work.resolve("models");
        try {
            for (String part : parts) {
                System.out.println();
                System.out.println("## " + part);
                System.out.println();
                switch (part) {
                    case "embed" -> new EmbedBench(models, threads, sentences != null ? sentences : smoke ? 8 : 64,
                            1, smoke ? 0 : 10).run();
                    case "ingest" -> new IngestBench(work, models, files != null ? files : smoke ? 5 : 100, 600).run();
                    case "query" -> new QueryBench(work, models, threads,
                            sizes != null ? sizes : smoke ? new int[] {1_000} : new int[] {10_000, 100_000},
                            queries != null ? queries : smoke ? 20 : 200, smoke ? 5 : 50, smoke ? 30 : 300).run();
                    default -> throw new IllegalStateException(part);
                }
            }
        } finally {
            if (temporary) {
                deleteTree(work);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
