package dev.hearth.cli;

import dev.hearth.model.lora.LoraTarget;
import dev.hearth.train.Pretraining;
import dev.hearth.train.data.TrainingDataException;
import dev.hearth.train.lora.FineTuning;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hearth finetune BASE.gguf --data chat.jsonl -o ADAPTER.gguf}: LoRA fine-tuning on chat
 * examples, the base model frozen in its own types.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Fine-tune a downloaded model on your own conversations with LoRA: the base weights stay frozen "
                + "in whatever type they are stored (F16, Q8_0, Q4_K, ...), only small adapters train, and the "
                + "result is a GGUF LoRA adapter that hearth run/serve --lora and llama.cpp load.",
                "Each line of the data is {\"messages\": [{\"role\": \"user\", \"content\": ...}, {\"role\": "
                        + "\"assistant\", \"content\": ...}]}, rendered with the model's chat template; the loss "
                        + "counts the assistant turns only."})
final class FinetuneCommand implements Callable<Integer> {
    private static final Map<String, LoraTarget> TARGETS = Map.of("q", LoraTarget.ATTN_Q, "k", LoraTarget.ATTN_K,
            "v", LoraTarget.ATTN_V, "o", LoraTarget.ATTN_OUTPUT, "gate", LoraTarget.FFN_GATE, "up", LoraTarget.FFN_UP,
            "down", LoraTarget.FFN_DOWN);

    @Parameters(index = "0", paramLabel = "BASE.gguf", description = "The model to adapt (llama or qwen2 architecture).")
    Path base;

    @Option(names = "--data", required = true, paramLabel = "CHAT.jsonl", description = "The conversations to learn.")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "ADAPTER.gguf", description = "The adapter to write.")
    Path output;

    @Option(names = "--rank", defaultValue = "8", paramLabel = "R", description = "Adapter rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--alpha", defaultValue = "16", paramLabel = "A",
            description = "Adapter alpha; the adapter's output is scaled by alpha / rank (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--targets", defaultValue = "q,k,v,o,gate,up,down", paramLabel = "LIST",
            description = "The matrices that get adapters, from q, k, v, o, gate, up, down (default: ${DEFAULT-VALUE}).")
    String targets;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", paramLabel = "N", description = "Optimizer steps, instead of --epochs.")
    int steps;

    @Option(names = "--batch-size", defaultValue = "4", paramLabel = "B", description = "Conversations per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-4", paramLabel = "LR", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seq-len", defaultValue = "0", paramLabel = "T",
            description = "The longest conversation in tokens (default: the model's context, at most 2048).")
    int seqLen;

    @Option(names = "--on-error", defaultValue = "stop", paramLabel = "stop|skip",
            description = "A line that cannot be used (malformed, no assistant turn, too long) stops the run, or is "
                    + "skipped with a message (default: ${DEFAULT-VALUE}).")
    String onError;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the adapters' start and the order of examples.")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--force", description = "Replace ADAPTER.gguf if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OutputFiles.refuseToReplaceAnInput(output, java.util.List.of(base, data), "the base model or the data");
        OutputFiles.checkWritable(output, force);
        if (!onError.equals("stop") && !onError.equals("skip")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--on-error takes stop or skip, got " + onError);
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        FineTuning.Settings settings = new FineTuning.Settings(rank, alpha, targets(), steps, epochs, batchSize,
                learningRate, warmup, 0f, 1f, seqLen, seed, n, onError.equals("skip"));
        PrintWriter err = spec.commandLine().getErr();
        TrainCommand.Progress bar = new TrainCommand.Progress(err, System.console() != null);
        FineTuning.Result result = FineTuning.run(base, data, output, settings, new FineTuning.Listener() {
            @Override
            public void started(int examples, int skipped, long parameters, int seqLen, int totalSteps) {
                err.printf(Locale.ROOT, "%d conversations (%d skipped), up to %d tokens; %s adapter parameters; %d steps%n",
                        examples, skipped, seqLen, InfoCommand.Units.count(parameters), totalSteps);
                err.flush();
            }

            @Override
            public void skipped(TrainingDataException problem) {
                err.println("skipped " + problem.getMessage());
                err.flush();
            }

            @Override
            public void step(Pretraining.Step step) {
                bar.step(step);
            }
        });
        bar.finish();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "wrote %s: rank %d, alpha %s, %d conversations, %d steps, loss %.3f -> %.3f, %.1f min, "
                        + "%.0f tokens/s%n", result.adapter(), rank, alpha, result.examples(), result.steps(),
                result.firstLoss(), result.lastLoss(), result.seconds() / 60, result.tokensPerSecond());
        out.flush();
        return 0;
    }

    private Set<LoraTarget> targets() {
        Set<LoraTarget> set = EnumSet.noneOf(LoraTarget.class);
        for (String name : targets.split(",")) {
            LoraTarget target = TARGETS.get(name.trim());
            if (target == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--targets: unknown matrix '" + name.trim()
                        + "'; choose from q, k, v, o, gate, up, down");
            }
            set.add(target);
        }
        return set;
    }
}
