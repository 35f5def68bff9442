package dev.hearth.cli;

import dev.hearth.kb.IngestionListener;
import dev.hearth.kb.KnowledgeBaseSummary;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.Retrieval;
import dev.hearth.kb.RetrievalOptions;
import dev.hearth.kb.answer.Answers;
import dev.hearth.kb.answer.GroundedAnswerer;
import dev.hearth.kb.answer.Passage;
import dev.hearth.kb.index.SearchMode;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.FileError;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.engine.InferenceEngines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hearth kb …}: knowledge bases from the command line — create, list, describe, add
 * documents (with a progress bar), remove, and ask (cited passages, and with {@code --model} a
 * generated answer that cites them).
 */
@Command(name = "kb", mixinStandardHelpOptions = true,
        description = "Knowledge bases: grounded, cited answers from your own documents.",
        subcommands = {KbCommand.Create.class, KbCommand.ListBases.class, KbCommand.Info.class, KbCommand.Add.class,
                KbCommand.Remove.class, KbCommand.Ask.class})
final class KbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a knowledge base.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Parameters(paramLabel = "NAME", description = "Letters, digits, - and _, Chinese characters; 1 to 64.")
        String name;
        @Option(names = "--description", paramLabel = "TEXT", description = "What it holds.")
        String description = "";
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (KnowledgeBases bases = options.open()) {
                KnowledgeBaseSummary kb = bases.create(name, description);
                spec.commandLine().getOut().printf("created knowledge base %s (embeddings: %s) in %s%n", kb.name(),
                        kb.embedder(), options.dataDir());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the knowledge bases.")
    static final class ListBases implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (KnowledgeBases bases = options.open()) {
                List<KnowledgeBaseSummary> all = bases.list();
                if (all.isEmpty()) {
                    out.println("no knowledge bases in " + options.dataDir() + " (create one with: hearth kb create NAME)");
                }
                for (KnowledgeBaseSummary kb : all) {
                    out.printf("%-24s %6d documents %8d chunks  %s%n", kb.name(), kb.documents(), kb.chunks(), kb.description());
                }
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a knowledge base and list its documents.")
    static final class Info implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Parameters(paramLabel = "NAME")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (KnowledgeBases bases = options.open()) {
                KnowledgeBaseSummary kb = bases.describe(name);
                out.printf("name:        %s%ndescription: %s%ncreated:     %s%nembeddings:  %s%ndocuments:   %d%nchunks:      %d%n",
                        kb.name(), kb.description(), kb.createdAt(), kb.embedder(), kb.documents(), kb.chunks());
                for (DocumentRecord d : bases.documents(name)) {
                    out.printf("  %-8s %5d chunks  %s%s%n", d.status().name().toLowerCase(java.util.Locale.ROOT),
                            d.chunkCount(), d.path(), d.error().map(e -> "  (" + e + ")").orElse(""));
                }
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add files and folders (every file below a folder) to a knowledge base.",
                    "A changed file replaces its earlier version; an unchanged one is skipped. Formats: txt, md, html, pdf,"
                            + " docx, csv, xlsx. A file that cannot be added is reported and the rest still go in;"
                            + " the exit status is then 1."})
    static final class Add implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
        List<Path> paths = new ArrayList<>();
        @Option(names = "--tag", paramLabel = "TAG", description = "Tag these documents (repeatable); asking can filter by tag.")
        List<String> tags = new ArrayList<>();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ProgressBar bar = new ProgressBar(err, System.console() != null);
            IngestionJob job;
            try (KnowledgeBases bases = options.open()) {
                job = bases.add(name, paths, new LinkedHashSet<>(tags), bar);
            }
            bar.finish();
            var p = job.progress();
            out.printf("added %d of %d files to %s: %d chunks embedded, %.1f chunks/s%n", p.filesDone(), job.totalFiles(),
                    name, p.chunks(), p.chunksPerSecond());
            for (FileError e : job.errors()) {
                out.printf("  not added: %s: %s%n", e.file(), e.message());
            }
            return job.errors().isEmpty() ? 0 : 1;
        }
    }

    /** The ingestion progress bar on standard error: redrawn in place on a terminal, a line per file elsewhere. */
    static final class ProgressBar implements IngestionListener {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final boolean terminal;
        private int filesSeen = -1;

        ProgressBar(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void progress(IngestionJob job) {
            var p = job.progress();
            int files = p.filesDone() + p.filesFailed();
            String line = String.format("%s %d/%d files, %d chunks, %.1f chunks/s", bar(files, job.totalFiles()), files,
                    job.totalFiles(), p.chunks(), p.chunksPerSecond());
            if (terminal) {
                err.print("\r" + line + "   ");
                err.flush();
            } else if (files != filesSeen) {
                err.println(line);
                err.flush();
            }
            filesSeen = files;
        }

        void finish() {
            if (terminal) {
                err.println();
                err.flush();
            }
        }

        private static String bar(int done, int total) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a document from a knowledge base (by file name, path or id), or with no document the whole knowledge base.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", arity = "0..1", paramLabel = "DOCUMENT")
        String document;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (KnowledgeBases bases = options.open()) {
                if (document == null) {
                    bases.delete(name);
                    out.println("deleted knowledge base " + name);
                } else {
                    DocumentRecord removed = bases.removeDocument(name, document);
                    out.println("removed " + removed.path() + " from " + name);
                }
            }
            return 0;
        }
    }

    @Command(name = "ask", mixinStandardHelpOptions = true,
            description = {"Ask a knowledge base: the best passages with their sources, and with --model an answer"
                    + " written from them only, citing them as [n]. When nothing relevant is found it says so."})
    static final class Ask implements Callable<Integer> {
        @Mixin
        KnowledgeBaseOptions options;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "QUESTION")
        String question;
        @Option(names = "--model", paramLabel = "FILE.gguf", description = "A generative model that writes the answer.")
        Path model;
        @Option(names = {"-k", "--passages"}, paramLabel = "K", description = "How many passages at most (default: 5).")
        int k = RetrievalOptions.DEFAULT_K;
        @Option(names = "--mode", paramLabel = "MODE", description = "hybrid (default), bm25 or vector.")
        SearchMode mode = SearchMode.HYBRID;
        @Option(names = "--tag", paramLabel = "TAG", description = "Only documents with this tag (repeatable).")
        List<String> tags = new ArrayList<>();
        @Option(names = "--max-tokens", paramLabel = "N", description = "Longest answer, in tokens (default: 1024).")
        int maxTokens = 1024;
        @Option(names = "--threads", paramLabel = "K", description = "Threads for the answering model (default: one per processor).")
        int threads = Runtime.getRuntime().availableProcessors();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (KnowledgeBases bases = options.open()) {
                Retrieval found = bases.retrieve(name, question, RetrievalOptions.defaults().withK(k).withMode(mode)
                        .withFilters(java.util.Set.of(), new LinkedHashSet<>(tags)));
                if (!found.covered()) {
                    out.println(Answers.notCovered(name, question));
                    return 0;
                }
                if (model != null) {
                    try (InferenceEngine engine = InferenceEngines.open(model, EngineOptions.defaults().withThreads(threads))) {
                        GroundedAnswerer.answer(engine, name, List.of(ChatMessage.user(question)), found.passages(),
                                GenerationParams.greedy(maxTokens), text -> {
                                    out.print(text);
                                    out.flush();
                                });
                    }
                    out.println();
                    out.println();
                }
                printPassages(out, found.passages());
            }
            return 0;
        }

        private static void printPassages(PrintWriter out, List<Passage> passages) {
            for (Passage p : passages) {
                out.printf("[%d] %s%s%n", p.number(), p.source(),
                        Double.isFinite(p.relevance()) ? String.format("  (relevance %.2f)", p.relevance()) : "");
                for (String line : p.text().strip().split("\n")) {
                    out.println("    " + line);
                }
                out.println();
            }
        }
    }
}
