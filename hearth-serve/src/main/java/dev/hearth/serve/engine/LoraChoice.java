package dev.hearth.serve.engine;

import java.util.Map;
import java.util.Objects;

/**
 * Which of the server's LoRA adapters ({@link EngineOptions#loraAdapters()}) a completion applies,
 * and how strongly, as llama.cpp's server takes a request's {@code "lora"} field.
 *
 * @param scales the scale of each adapter the request names, by id; adapters it does not name are
 *     off (scale 0)
 * @param serverDefaults true for a request that chose nothing: it gets every adapter at the scale
 *     the server was started with ({@code scales} is then empty)
 */
public record LoraChoice(Map<Integer, Float> scales, boolean serverDefaults) {
    /** The server's adapters at their own scales: a request without a {@code lora} field. */
    public static final LoraChoice DEFAULTS = new LoraChoice(Map.of(), true);

    public LoraChoice {
        scales = Map.copyOf(scales);
        if (serverDefaults && !scales.isEmpty()) {
            throw new IllegalArgumentException("a choice of the server's defaults names no scales");
        }
    }

    /** The adapters {@code scales} names, at those scales, and no others. */
    public static LoraChoice of(Map<Integer, Float> scales) {
        Objects.requireNonNull(scales, "scales");
        return new LoraChoice(scales, false);
    }
}
