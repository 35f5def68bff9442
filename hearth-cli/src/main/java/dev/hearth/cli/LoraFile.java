package dev.hearth.cli;

import dev.hearth.model.lora.LoraAdapters;
import dev.hearth.model.lora.ScaledLora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * A LoRA adapter as the commands take it: {@code ADAPTER.gguf} (scale 1) or
 * {@code ADAPTER.gguf:SCALE}, llama.cpp's {@code --lora} and {@code --lora-scaled} in one. Only a
 * number after the last colon is a scale, so a path with colons of its own stays whole.
 */
record LoraFile(Path path, float scale) {
    private static final Pattern SCALED = Pattern.compile("(.+):([-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)");

    static LoraFile parse(String spec) {
        Matcher m = SCALED.matcher(spec);
        if (!m.matches()) {
            return new LoraFile(Path.of(spec), 1f);
        }
        float scale = Float.parseFloat(m.group(2));
        if (!Float.isFinite(scale)) {
            throw new CommandLine.TypeConversionException("the scale of '" + spec + "' is not a finite number");
        }
        return new LoraFile(Path.of(m.group(1)), scale);
    }

    /** Reads the adapter. */
    ScaledLora read() throws IOException {
        return new ScaledLora(LoraAdapters.read(path), scale);
    }

    /** The picocli converter of {@code ADAPTER.gguf[:SCALE]}. */
    static final class Converter implements CommandLine.ITypeConverter<LoraFile> {
        @Override
        public LoraFile convert(String value) {
            return parse(value);
        }
    }
}
