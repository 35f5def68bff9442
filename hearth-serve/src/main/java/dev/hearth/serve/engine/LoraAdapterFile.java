package dev.hearth.serve.engine;

import dev.hearth.model.lora.LoraAdapter;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One of the LoRA adapters a server offers ({@code hearth serve --lora FILE:SCALE}); its id is its
 * index in {@link EngineOptions#loraAdapters()}. Each engine applies the adapters that fit its
 * model.
 *
 * @param path the file, as given, which {@code GET /lora-adapters} reports
 * @param scale the scale requests get when they do not choose one (llama.cpp's default is 1)
 * @param adapter the adapter, read once when the server starts and shared by every engine
 */
public record LoraAdapterFile(Path path, float scale, LoraAdapter adapter) {

    public LoraAdapterFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(adapter, "adapter");
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("a LoRA scale must be finite, got " + scale);
        }
    }
}
