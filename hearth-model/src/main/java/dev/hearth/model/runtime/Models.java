package dev.hearth.model.runtime;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.spi.Architecture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Opens GGUF model files: picks the {@link Architecture} that {@code general.architecture} names. */
public final class Models {
    public static final String ARCHITECTURE_KEY = "general.architecture";

    private static final Map<String, Architecture> ARCHITECTURES = discover();

    private Models() {
    }

    /** Opens {@code path} with {@link ModelOptions#defaults()}. */
    public static Model open(Path path) throws IOException {
        return open(path, ModelOptions.defaults());
    }

    /**
     * Opens and validates a model file. Its tensors stay mapped, not copied, until the model is
     * closed.
     *
     * @throws ModelLoadException if the architecture is unknown, or a tensor or hyperparameter is
     *     missing or malformed; the message names it
     * @throws dev.hearth.model.gguf.GgufFormatException if the file is not well-formed GGUF
     * @throws IOException if the file cannot be read
     */
    public static Model open(Path path, ModelOptions options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            String name = file.metadata().getString(ARCHITECTURE_KEY);
            Architecture architecture = ARCHITECTURES.get(name);
            if (architecture == null) {
                throw new ModelLoadException(path, ARCHITECTURE_KEY, "unknown architecture '" + name
                        + "' (Hearth runs: " + String.join(", ", ARCHITECTURES.keySet()) + ")");
            }
            return architecture.load(file, options);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The architectures Hearth can run, by {@code general.architecture} name. */
    public static java.util.Set<String> architectures() {
        return ARCHITECTURES.keySet();
    }

    private static Map<String, Architecture> discover() {
        Map<String, Architecture> byName = new TreeMap<>();
        for (Architecture architecture : ServiceLoader.load(Architecture.class, Models.class.getClassLoader())) {
            if (byName.put(architecture.name(), architecture) != null) {
                throw new IllegalStateException("two architectures named " + architecture.name());
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }
}
