package dev.hearth.cli;

import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.embed.Embedders;
import dev.hearth.kb.http.KnowledgeBaseApi;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufFormatException;
import dev.hearth.model.lora.LoraAdapters;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.engine.LoraAdapterFile;
import dev.hearth.serve.http.Api;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.Limits;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.ollama.OllamaApi;
import dev.hearth.serve.openai.OpenAiApi;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.serve.web.WebChat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hearth serve MODEL.gguf…}: OpenAI's and Ollama's APIs and a chat page over one or more models, until
 * SIGTERM or Ctrl-C, which shut it down gracefully. One line with the URL goes to standard output;
 * each answered request is logged to standard error as {@code METHOD /path STATUS MSms}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve models over HTTP with OpenAI's API (/v1/chat/completions, /v1/completions, "
                + "/v1/embeddings, /v1/models) and Ollama's (/api/chat, /api/generate, /api/embed, /api/tags, /api/show, "
                + "/api/ps, /api/version), a chat page at /, plus /health and /metrics (Prometheus), and GET /lora-adapters.",
                "Models are loaded on first use and unloaded when idle. Stops gracefully on SIGTERM or Ctrl-C."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL.gguf", arity = "0..*", description = "Models to serve, named after their files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--model", paramLabel = "[NAME=]PATH", description = "A model to serve, named NAME (default: the file name without .gguf); repeatable.")
    List<String> models = new ArrayList<>();

    @Option(names = "--models-dir", paramLabel = "DIR", description = "Serve every *.gguf in DIR.")
    Path modelsDir;

    @Mixin
    KnowledgeBaseOptions knowledgeBases;

    @Option(names = "--kb-model", paramLabel = "NAME",
            description = "The served model that writes knowledge-base answers (default: the first model given; with none,"
                    + " answers are the cited passages themselves).")
    String kbModel;

    @Option(names = "--no-kb", description = "Serve no knowledge bases (and no built-in embedding model).")
    boolean noKnowledgeBases;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer KEY' on every route but /health, KEY being one whose SHA-256 is a line of FILE (see --hash-key).")
    Path apiKeyFile;

    @Option(names = "--hash-key", description = "Read a key from standard input, print the line for --api-key-file, and exit.")
    boolean hashKey;

    @Option(names = "--keep-alive", paramLabel = "DURATION", defaultValue = "5m", converter = Quantities.DurationConverter.class,
            description = "Unload a model idle this long (default: ${DEFAULT-VALUE}; 0 at once, -1 never).")
    Duration keepAlive;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = Quantities.SizeConverter.class,
            description = "Most memory the loaded models take together, files and KV caches (default: 3/4 of the RAM).")
    Long memoryBudget;

    @Option(names = "--threads", paramLabel = "K", description = "Threads per model's forward pass (default: one per processor).")
    Integer threads;

    @Option(names = "--ctx", paramLabel = "C", description = "Longest sequence (prompt and answer) per request (default: the model's, as far as --kv-budget holds).")
    Integer contextLength;

    @Option(names = "--parallel", paramLabel = "N", description = "Most requests generating at once, per model (default: 16).")
    Integer parallel;

    @Option(names = "--queue", paramLabel = "N", description = "Most requests waiting per model; more are refused with 503 (default: 64).")
    Integer queue;

    @Option(names = "--kv-budget", paramLabel = "SIZE", converter = Quantities.SizeConverter.class,
            description = "KV-cache memory per model, shared by its requests (default: 1g).")
    Long kvBudget;

    @Option(names = "--kv", paramLabel = "f16|f32", description = "Precision of the KV cache (default: f16).")
    KvPrecision kvPrecision;

    @Option(names = "--kv-block", paramLabel = "N", description = "Positions per KV-cache block, the unit of prefix reuse (default: 32).")
    Integer kvBlock;

    @Option(names = "--batch", paramLabel = "N", description = "Most tokens one forward step runs, over all requests (default: 512).")
    Integer batchTokens;

    @Option(names = "--prefill-chunk", paramLabel = "N", description = "Most prompt tokens of one request per step (default: 256).")
    Integer prefillChunk;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "8m", converter = Quantities.SizeConverter.class,
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "1000", description = "Most messages in a chat request (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "8192",
            description = "Most tokens a request may ask to generate, and the limit of those that name none (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-n", paramLabel = "N", defaultValue = "8", description = "Most choices (n) per request (default: ${DEFAULT-VALUE}).")
    int maxChoices;

    @Option(names = "--lora", paramLabel = "ADAPTER.gguf[:SCALE]", converter = LoraFile.Converter.class,
            description = "A LoRA adapter requests may apply, with llama.cpp's \"lora\": [{\"id\": N, \"scale\": S}] (N its place"
                    + " among these options, from 0); requests without that field get it at SCALE (default 1; 0 loads it off)."
                    + " Each model applies the adapters made for it. Repeatable.")
    List<LoraFile> lora = new ArrayList<>();

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Quantities.DurationConverter.class,
            description = "On SIGTERM, how long requests in flight may run on before they are cancelled (default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine commandLine = spec.commandLine();
        if (hashKey) {
            return printHash(commandLine);
        }
        ServerConfig config = serverConfig(commandLine);
        List<ModelSource> generative = sources(commandLine);
        List<LoraAdapterFile> adapters = loraAdapters(commandLine, generative);
        RegistryOptions registryOptions = new RegistryOptions(engineOptions(commandLine).withLoraAdapters(adapters),
                keepAlive, memoryBudget(commandLine));
        Optional<String> answerModel = answerModel(commandLine, generative);
        List<ModelSource> sources = new ArrayList<>(generative);
        KnowledgeBases bases = null;
        if (!noKnowledgeBases) {
            bases = knowledgeBases.open();
            Path embeddingFile = knowledgeBases.embeddingModel != null ? knowledgeBases.embeddingModel
                    : Embedders.defaultModelFile(knowledgeBases.dataDir().resolve("models"));
            sources.add(new ModelSource(bases.embedder().name(), embeddingFile));
        }
        PrintWriter err = commandLine.getErr();
        try (KnowledgeBases closedLast = bases;
             ModelRegistry registry = ModelRegistry.create(sources, registryOptions, InferenceEngines::open)) {
            List<Api> apis = new ArrayList<>(List.of(new WebChat()));
            if (closedLast == null) {
                apis.addAll(List.of(OpenAiApi.create(), OllamaApi.create(Hearth.VERSION)));
            } else {
                KnowledgeBaseApi kbApi = KnowledgeBaseApi.create(closedLast, answerModel);
                apis.addAll(List.of(OpenAiApi.create(kbApi.grounding()), OllamaApi.create(Hearth.VERSION, kbApi.grounding()),
                        kbApi));
            }
            HearthServer server = HearthServer.create(config, registry, apis, line -> {
                err.println(line);
                err.flush();
            });
            server.start();
            PrintWriter out = commandLine.getOut();
            out.println("Hearth is listening on " + server.url() + " (models: "
                    + String.join(", ", sources.stream().map(ModelSource::name).toList())
                    + (adapters.isEmpty() ? "" : "; LoRA adapters: " + String.join(", ", IntStream.range(0, adapters.size())
                            .mapToObj(id -> id + " " + adapters.get(id).path().getFileName() + " at " + adapters.get(id).scale())
                            .toList()))
                    + (closedLast == null ? "" : "; knowledge bases in " + knowledgeBases.dataDir()
                            + ", answers " + answerModel.map(m -> "by " + m).orElse("extractive")) + ")");
            out.flush();
            awaitStop(server, registry, closedLast);
        }
        return 0;
    }

    /** The model that writes knowledge-base answers: --kb-model, else the first generative model, else none. */
    private Optional<String> answerModel(CommandLine commandLine, List<ModelSource> generative) {
        if (kbModel == null) {
            return generative.stream().findFirst().map(ModelSource::name);
        }
        if (generative.stream().noneMatch(m -> m.name().equals(kbModel))) {
            throw new ParameterException(commandLine, "Invalid value for option '--kb-model': no served model is called '"
                    + kbModel + "' (served: " + generative.stream().map(ModelSource::name).toList() + ")");
        }
        return Optional.of(kbModel);
    }

    /**
     * Blocks until SIGTERM/Ctrl-C (the shutdown hook stops the server) or, when run in-process, until
     * this thread is interrupted (then this thread stops it).
     */
    private static void awaitStop(HearthServer server, ModelRegistry registry, KnowledgeBases bases) {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().name("hearth-shutdown").unstarted(() -> {
            server.stop();
            registry.close();
            if (bases != null) {
                bases.close();
            }
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook is running already
            }
            server.stop();
        }
    }

    private int printHash(CommandLine commandLine) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String key = in.readLine();
        if (key == null || key.isEmpty()) {
            throw new ParameterException(commandLine, "--hash-key reads the key from standard input, which was empty");
        }
        commandLine.getOut().println(ApiKeys.hash(key));
        commandLine.getOut().flush();
        return 0;
    }

    private List<ModelSource> sources(CommandLine commandLine) throws IOException {
        List<ModelSource> sources = new ArrayList<>();
        for (Path file : files) {
            sources.add(source(commandLine, "MODEL.gguf", file.toString()));
        }
        for (String model : models) {
            sources.add(source(commandLine, "--model", model));
        }
        if (modelsDir != null) {
            List<ModelSource> found = ModelSource.scan(modelsDir);
            if (found.isEmpty()) {
                throw new ParameterException(commandLine, "Invalid value for option '--models-dir': no *.gguf files in " + modelsDir);
            }
            sources.addAll(found);
        }
        if (sources.isEmpty() && noKnowledgeBases) {
            throw new ParameterException(commandLine, "with --no-kb, give at least one model: MODEL.gguf, --model or --models-dir");
        }
        return sources;
    }

    /**
     * Reads the {@code --lora} adapters, each of which must fit at least one of the models (checked
     * on their files' headers; each engine applies those that fit its own model).
     */
    private List<LoraAdapterFile> loraAdapters(CommandLine commandLine, List<ModelSource> models) throws IOException {
        List<LoraAdapterFile> adapters = new ArrayList<>();
        for (LoraFile file : lora) {
            ScaledLora adapter = file.read();
            List<String> misfits = new ArrayList<>();
            for (ModelSource model : models) {
                try (GgufFile base = GgufFile.open(model.path())) {
                    LoraAdapters.checkFits(adapter.adapter(), base);
                } catch (ModelLoadException | GgufFormatException e) { // a broken model fails its own way when loaded
                    misfits.add(model.name() + ": " + e.getMessage());
                }
            }
            if (misfits.size() == models.size()) {
                throw new ParameterException(commandLine, "Invalid value for option '--lora': " + file.path()
                        + " fits none of the served models" + (misfits.isEmpty() ? "" : " (" + String.join("; ", misfits) + ")"));
            }
            adapters.add(new LoraAdapterFile(file.path(), file.scale(), adapter.adapter()));
        }
        return adapters;
    }

    private static ModelSource source(CommandLine commandLine, String option, String spec) {
        try {
            ModelSource source = ModelSource.parse(spec);
            if (!java.nio.file.Files.isRegularFile(source.path())) {
                throw new IllegalArgumentException(source.path() + ": no such file");
            }
            return source;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid value for " + option + " '" + spec + "': " + e.getMessage());
        }
    }

    private ServerConfig serverConfig(CommandLine commandLine) throws IOException {
        atLeast(commandLine, "--port", port, 0);
        if (port > 65535) {
            throw new ParameterException(commandLine, "Invalid value for option '--port': must be at most 65535, got " + port);
        }
        atLeast(commandLine, "--max-body", maxBody, 1);
        atLeast(commandLine, "--max-messages", maxMessages, 1);
        atLeast(commandLine, "--max-tokens", maxTokens, 1);
        atLeast(commandLine, "--max-n", maxChoices, 1);
        if (shutdownTimeout.isNegative()) {
            throw new ParameterException(commandLine, "Invalid value for option '--shutdown-timeout': must not be negative");
        }
        ApiKeys keys = ApiKeys.none();
        if (apiKeyFile != null) {
            try {
                keys = ApiKeys.load(apiKeyFile);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(commandLine, "Invalid value for option '--api-key-file': " + e.getMessage());
            }
        }
        Limits limits = new Limits(maxBody, maxMessages, maxTokens, maxChoices, Limits.defaults().maxInputs());
        return ServerConfig.defaults().withHost(host).withPort(port).withApiKeys(keys).withLimits(limits)
                .withShutdownTimeout(shutdownTimeout);
    }

    private static void atLeast(CommandLine commandLine, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(commandLine, "Invalid value for option '" + option + "': must be at least " + min
                    + ", got " + value);
        }
    }

    /** {@link EngineOptions#defaults()} with what the options set, each checked and named when wrong. */
    private EngineOptions engineOptions(CommandLine commandLine) {
        EngineOptions o = EngineOptions.defaults();
        o = with(commandLine, "--threads", o, threads, EngineOptions::withThreads);
        o = with(commandLine, "--ctx", o, contextLength, EngineOptions::withContextLength);
        o = with(commandLine, "--parallel", o, parallel, EngineOptions::withMaxSequences);
        o = with(commandLine, "--queue", o, queue, EngineOptions::withMaxQueue);
        o = with(commandLine, "--kv-budget", o, kvBudget, EngineOptions::withKvMemoryBudget);
        o = with(commandLine, "--kv", o, kvPrecision, EngineOptions::withKvPrecision);
        o = with(commandLine, "--kv-block", o, kvBlock, EngineOptions::withKvBlockSize);
        o = with(commandLine, "--batch", o, batchTokens, EngineOptions::withMaxBatchTokens);
        return with(commandLine, "--prefill-chunk", o, prefillChunk, EngineOptions::withPrefillChunk);
    }

    private static <T> EngineOptions with(CommandLine commandLine, String option, EngineOptions options, T value,
                                          BiFunction<EngineOptions, T, EngineOptions> setter) {
        if (value == null) {
            return options;
        }
        try {
            return setter.apply(options, value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid value for option '" + option + "': " + e.getMessage());
        }
    }

    private long memoryBudget(CommandLine commandLine) {
        if (memoryBudget == null) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return os.getTotalMemorySize() / 4 * 3;
        }
        if (memoryBudget <= 0) {
            throw new ParameterException(commandLine, "Invalid value for option '--memory-budget': must be positive, got " + memoryBudget);
        }
        return memoryBudget;
    }
}
