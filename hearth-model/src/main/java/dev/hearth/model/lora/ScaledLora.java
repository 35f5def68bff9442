package dev.hearth.model.lora;

import java.util.Objects;

/**
 * An adapter and the scale the user gave it ({@code --lora FILE:SCALE}, a request's
 * {@code "scale"}): 1 applies it as trained, 0 not at all, values between or above weaken or
 * strengthen it. The factor the product is multiplied by is {@link LoraAdapter#scale(float)}.
 */
public record ScaledLora(LoraAdapter adapter, float scale) {

    /** @throws IllegalArgumentException if the scale is not finite */
    public ScaledLora {
        Objects.requireNonNull(adapter, "adapter");
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("a LoRA scale must be finite, got " + scale);
        }
    }
}
