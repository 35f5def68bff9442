package dev.hearth.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.train.llama.LlamaShape;
import dev.hearth.train.optim.AdamW;
import dev.hearth.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a pretraining run is configured with: the model's dimensions and the training's
 * hyperparameters, read from a JSON file of snake_case fields or a built-in preset
 * ({@code tiny}, {@code 20m}). The vocabulary size is the tokenizer's, not the config's.
 *
 * @param batchSize sequences per micro-step
 * @param seqLen tokens per sequence (at most {@code contextLength})
 * @param gradAccum micro-steps whose gradients sum into one optimizer step
 * @param evalEvery steps between held-out evaluations (0: only at the end)
 * @param checkpointEvery steps between checkpoints (0: none until the end)
 * @param heldOut the fraction of the corpus held out for the validation loss
 */
public record TrainConfig(
        int dim, int layers, int heads, int kvHeads, int ffnDim, int contextLength, double ropeTheta, float rmsEps,
        boolean tiedEmbeddings,
        int batchSize, int seqLen, int gradAccum, int steps, float learningRate, float minLearningRate,
        int warmupSteps, float weightDecay, float beta1, float beta2, float adamEps, float gradClip,
        int evalEvery, int evalBatches, int checkpointEvery, long seed, double heldOut) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The built-in configurations, by name. */
    public static final Set<String> PRESETS = Set.of("tiny", "20m");

    public TrainConfig {
        if (seqLen > contextLength) {
            throw new IllegalArgumentException("seq_len " + seqLen + " exceeds context_length " + contextLength);
        }
        for (var field : Map.of("batch_size", batchSize, "seq_len", seqLen, "grad_accum", gradAccum, "steps", steps,
                "eval_batches", evalBatches).entrySet()) {
            if (field.getValue() <= 0) {
                throw new IllegalArgumentException(field.getKey() + " must be positive, got " + field.getValue());
            }
        }
        if (warmupSteps < 0 || evalEvery < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("warmup_steps, eval_every and checkpoint_every must not be negative");
        }
        if (!(gradClip >= 0)) {
            throw new IllegalArgumentException("grad_clip must not be negative (0 turns clipping off), got " + gradClip);
        }
        if (!(heldOut > 0 && heldOut < 0.5)) {
            throw new IllegalArgumentException("held_out must be in (0, 0.5), got " + heldOut);
        }
        new AdamW.Settings(beta1, beta2, adamEps, weightDecay); // validates
        schedule(learningRate, minLearningRate, warmupSteps, steps); // validates
    }

    /** A preset by name, or a JSON file; {@code overrides} (field → value) win over either. */
    public static TrainConfig load(String presetOrFile, Map<String, String> overrides) throws IOException {
        ObjectNode node;
        if (PRESETS.contains(presetOrFile)) {
            try (InputStream in = TrainConfig.class.getResourceAsStream("presets/" + presetOrFile + ".json")) {
                node = (ObjectNode) JSON.readTree(in);
            }
        } else {
            Path file = Path.of(presetOrFile);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("config " + presetOrFile + ": neither a file nor a preset ("
                        + String.join(", ", new TreeSet<>(PRESETS)) + ")");
            }
            try {
                JsonNode parsed = JSON.readTree(file.toFile());
                if (parsed == null || !parsed.isObject()) {
                    throw new IllegalArgumentException(file + ": expected a JSON object of training settings");
                }
                node = (ObjectNode) parsed;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": malformed JSON at line " + e.getLocation().getLineNr()
                        + ": " + e.getOriginalMessage());
            }
        }
        for (var override : overrides.entrySet()) {
            node.put(override.getKey(), override.getValue());
        }
        return fromJson(node, presetOrFile);
    }

    /** Reads the fields, with defaults for the optional ones; every unknown or mistyped field is an error. */
    static TrainConfig fromJson(ObjectNode node, String source) {
        Fields f = new Fields(node, source);
        int contextLength = f.integer("context_length", null);
        float lr = f.real("learning_rate", null).floatValue();
        int steps = f.integer("steps", null);
        TrainConfig config;
        try {
            config = new TrainConfig(
                    f.integer("dim", null), f.integer("layers", null), f.integer("heads", null),
                    f.integer("kv_heads", node.has("heads") ? node.get("heads").asInt() : null), f.integer("ffn_dim", null),
                    contextLength, f.real("rope_theta", 10000.0), f.real("rms_eps", 1e-5).floatValue(),
                    f.bool("tied_embeddings", true),
                    f.integer("batch_size", null), f.integer("seq_len", contextLength), f.integer("grad_accum", 1),
                    steps, lr, f.real("min_learning_rate", lr / 10.0).floatValue(),
                    f.integer("warmup_steps", Math.min(100, steps / 10)), f.real("weight_decay", 0.1).floatValue(),
                    f.real("beta1", 0.9).floatValue(), f.real("beta2", 0.95).floatValue(),
                    f.real("adam_eps", 1e-8).floatValue(), f.real("grad_clip", 1.0).floatValue(),
                    f.integer("eval_every", Math.max(1, steps / 10)), f.integer("eval_batches", 8),
                    f.integer("checkpoint_every", 0), f.integer("seed", 1337), f.real("held_out", 0.05));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        f.rejectUnknown();
        return config;
    }

    /** The model's shape for a tokenizer of {@code vocabularySize} tokens. */
    public LlamaShape shape(int vocabularySize) {
        return new LlamaShape(vocabularySize, contextLength, dim, layers, heads, kvHeads, ffnDim, ropeTheta, rmsEps,
                tiedEmbeddings);
    }

    public AdamW.Settings optimizer() {
        return new AdamW.Settings(beta1, beta2, adamEps, weightDecay);
    }

    public LearningRateSchedule schedule() {
        return schedule(learningRate, minLearningRate, warmupSteps, steps);
    }

    private static LearningRateSchedule schedule(float lr, float minLr, int warmup, int steps) {
        return new LearningRateSchedule(lr, minLr, warmup, steps);
    }

    /** This config as the JSON it can be read back from (stored in checkpoints). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dim", dim);
        m.put("layers", layers);
        m.put("heads", heads);
        m.put("kv_heads", kvHeads);
        m.put("ffn_dim", ffnDim);
        m.put("context_length", contextLength);
        m.put("rope_theta", ropeTheta);
        m.put("rms_eps", rmsEps);
        m.put("tied_embeddings", tiedEmbeddings);
        m.put("batch_size", batchSize);
        m.put("seq_len", seqLen);
        m.put("grad_accum", gradAccum);
        m.put("steps", steps);
        m.put("learning_rate", learningRate);
        m.put("min_learning_rate", minLearningRate);
        m.put("warmup_steps", warmupSteps);
        m.put("weight_decay", weightDecay);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("adam_eps", adamEps);
        m.put("grad_clip", gradClip);
        m.put("eval_every", evalEvery);
        m.put("eval_batches", evalBatches);
        m.put("checkpoint_every", checkpointEvery);
        m.put("seed", seed);
        m.put("held_out", heldOut);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads fields of a config object, remembering which were read. */
    private static final class Fields {
        private final ObjectNode node;
        private final String source;
        private final Set<String> read = new TreeSet<>();

        Fields(ObjectNode node, String source) {
            this.node = node;
            this.source = source;
        }

        int integer(String name, Integer fallback) {
            JsonNode v = value(name, fallback);
            if (v == null) {
                return fallback;
            }
            if (v.isTextual()) {
                try {
                    return Integer.parseInt(v.asText().trim());
                } catch (NumberFormatException e) {
                    throw wrong(name, "an integer", v);
                }
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw wrong(name, "an integer", v);
            }
            return v.asInt();
        }

        Double real(String name, Double fallback) {
            JsonNode v = value(name, fallback);
            if (v == null) {
                return fallback;
            }
            if (v.isTextual()) {
                try {
                    return Double.parseDouble(v.asText().trim());
                } catch (NumberFormatException e) {
                    throw wrong(name, "a number", v);
                }
            }
            if (!v.isNumber()) {
                throw wrong(name, "a number", v);
            }
            return v.asDouble();
        }

        boolean bool(String name, boolean fallback) {
            JsonNode v = value(name, fallback);
            if (v == null) {
                return fallback;
            }
            if (v.isBoolean()) {
                return v.asBoolean();
            }
            if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
                return Boolean.parseBoolean(v.asText());
            }
            throw wrong(name, "true or false", v);
        }

        private JsonNode value(String name, Object fallback) {
            read.add(name);
            JsonNode v = node.get(name);
            if ((v == null || v.isNull()) && fallback == null) {
                throw new IllegalArgumentException(source + ": the required field \"" + name + "\" is missing");
            }
            return v == null || v.isNull() ? null : v;
        }

        private IllegalArgumentException wrong(String name, String expected, JsonNode v) {
            return new IllegalArgumentException(source + ": field \"" + name + "\" must be " + expected + ", got " + v);
        }

        void rejectUnknown() {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!read.contains(name)) {
                    throw new IllegalArgumentException(source + ": unknown field \"" + name + "\"; known fields: "
                            + String.join(", ", read));
                }
            }
        }
    }
}
