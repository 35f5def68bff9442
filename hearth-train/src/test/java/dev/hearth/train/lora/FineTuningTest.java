package dev.hearth.train.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.lora.LoraAdapter;
import dev.hearth.model.lora.LoraAdapters;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.LoraTarget;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.synth.Preset;
import dev.hearth.model.synth.SynthType;
import dev.hearth.model.synth.SyntheticModels;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.train.data.TrainingDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA fine-tuning end to end on the synthetic tiny Qwen2 model (random weights, Qwen's chat
 * template): the adapter it writes, applied by Hearth's own inference, makes the model answer
 * the training conversations word for word, where the base model does not.
 */
class FineTuningTest {
    private static final Map<String, String> ANSWERS = Map.of(
            "Where is the spare key?", "Under the blue flowerpot.",
            "Who opens the library?", "Mrs. Chen, at nine.",
            "What does the red light mean?", "The boiler needs water.");

    @TempDir
    static Path dir;
    private static Path base;

    @BeforeAll
    static void baseModel() throws Exception {
        base = dir.resolve("tiny-f16.gguf");
        SyntheticModels.write(Preset.TINY, SynthType.named("f16"), 3, base);
    }

    @Test
    void theAdapterMakesTheModelReproduceItsExamplesWhereTheBaseDidNot() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        ANSWERS.forEach((q, a) -> jsonl.append("{\"messages\": [{\"role\": \"user\", \"content\": \"").append(q)
                .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(a).append("\"}]}\n"));
        Path data = Files.writeString(dir.resolve("chat.jsonl"), jsonl);
        Path adapterFile = dir.resolve("adapter.gguf");
        FineTuning.Result result = FineTuning.run(base, data, adapterFile, settings(60, 0.01f, false),
                new FineTuning.Listener() {});
        System.out.printf("fine-tune: %d examples, %d steps, loss %.3f -> %.4f, %d adapter parameters, %.1f s%n",
                result.examples(), result.steps(), result.firstLoss(), result.lastLoss(), result.parameters(),
                result.seconds());
        assertThat(result.lastLoss()).isLessThan(0.05 * result.firstLoss());

        LoraAdapter adapter = LoraAdapters.read(adapterFile);
        assertThat(adapter.architecture()).isEqualTo("qwen2");
        assertThat(adapter.rank()).isEqualTo(8);
        assertThat(adapter.factors()).containsKey("blk.3.ffn_down.weight").hasSize(4 * 7);
        try (Model model = Models.open(base)) {
            LoraSet tuned = model.lora(List.of(new ScaledLora(adapter, 1f)));
            for (var qa : ANSWERS.entrySet()) {
                assertThat(answer(model, LoraSet.NONE, qa.getKey())).as("base model").isNotEqualTo(qa.getValue());
                assertThat(answer(model, tuned, qa.getKey())).as("tuned model").isEqualTo(qa.getValue());
            }
        }
    }

    @Test
    void badLinesStopTheRunOrAreSkippedAsChosen() throws Exception {
        Path data = Files.writeString(dir.resolve("mixed.jsonl"), """
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
                {"messages": [{"role": "user", "content": "no answer here"}]}
                not json
                {"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "ok"}]}
                """.formatted("word ".repeat(400)));
        assertThatThrownBy(() -> FineTuning.run(base, data, dir.resolve("a.gguf"), settings(1, 0.01f, false),
                new FineTuning.Listener() {}))
                .isInstanceOf(TrainingDataException.class)
                .hasMessage(data + ":2: no assistant turn to learn from");

        List<String> skipped = new ArrayList<>();
        FineTuning.Settings skipping = new FineTuning.Settings(8, 16, EnumSet.allOf(LoraTarget.class), 1, 1, 2, 0.01f,
                0, 0, 1, 64, 1, 2, true);
        FineTuning.Result result = FineTuning.run(base, data, dir.resolve("b.gguf"), skipping,
                new FineTuning.Listener() {
                    @Override
                    public void skipped(TrainingDataException problem) {
                        skipped.add(problem.getMessage());
                    }
                });
        assertThat(result.examples()).isEqualTo(1);
        assertThat(skipped).hasSize(3);
        assertThat(skipped.get(0)).isEqualTo(data + ":2: no assistant turn to learn from");
        assertThat(skipped.get(1)).startsWith(data + ":3: malformed JSON");
        assertThat(skipped.get(2)).startsWith(data + ":4: the conversation is ").contains("hold 65");
    }

    @Test
    void anArchitectureItCannotTrainIsRefusedByName() throws Exception {
        Path bert = dir.resolve("not-a-decoder.gguf");
        new dev.hearth.model.gguf.GgufWriter().putString("general.architecture", "bert").write(bert);
        assertThatThrownBy(() -> BaseModel.read(dev.hearth.model.gguf.GgufFile.open(bert)))
                .hasMessageContaining("not-a-decoder.gguf").hasMessageContaining("'bert' cannot be fine-tuned");
    }

    private static FineTuning.Settings settings(int steps, float lr, boolean skip) {
        return new FineTuning.Settings(8, 16, EnumSet.allOf(LoraTarget.class), steps, 1, 3, lr, 5, 0, 1, 0, 1, 2,
                skip);
    }

    /** The greedy answer to one user message, up to the end of the turn. */
    private static String answer(Model model, LoraSet lora, String question) {
        ChatPrompt prompt = ChatPrompt.forModel(model);
        int[] tokens = prompt.tokens(ChatRequest.of(List.of(ChatMessage.user(question))));
        var specials = model.tokenizer().specialTokens();
        float[] logits = new float[model.info().vocabularySize()];
        List<Integer> out = new ArrayList<>();
        try (KvCache cache = model.newCache(256, KvPrecision.F32, lora)) {
            model.forward(cache, tokens, logits);
            for (int i = 0; i < 40; i++) {
                int next = argmax(logits);
                if (specials.eot().orElse(-1) == next || specials.eos().orElse(-1) == next) {
                    break;
                }
                out.add(next);
                model.forward(cache, new int[] {next}, logits);
            }
        }
        return model.tokenizer().decode(out.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
