package dev.hearth.model.runtime;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.spi.Architecture;
import dev.hearth.model.runtime.spi.EmbeddingArchitecture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Opens GGUF model files: picks the {@link Architecture} (a decoder) or the
 * {@link EmbeddingArchitecture} (an encoder) that {@code general.architecture} names.
 */
public final class Models {
    public static final String ARCHITECTURE_KEY = "general.architecture";

    private static final Map<String, Architecture> ARCHITECTURES = discover(Architecture.class, Architecture::name);
    private static final Map<String, EmbeddingArchitecture> ENCODERS =
            discover(EmbeddingArchitecture.class, EmbeddingArchitecture::name);

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
     * @throws ModelLoadException if the architecture is unknown or an embedding-only one (bert,
     *     nomic-bert), or a tensor or hyperparameter is missing or malformed; the message names it
     * @throws dev.hearth.model.gguf.GgufFormatException if the file is not well-formed GGUF
     * @throws IOException if the file cannot be read
     */
    public static Model open(Path path, ModelOptions options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            String name = file.metadata().getString(ARCHITECTURE_KEY);
            Architecture architecture = ARCHITECTURES.get(name);
            if (architecture == null && ENCODERS.containsKey(name)) {
                throw new ModelLoadException(path, ARCHITECTURE_KEY, "'" + name + "' is an embedding model, without"
                        + " a language-model head to generate with; open it with Models.openEmbedding");
            }
            if (architecture == null) {
                throw unknown(path, name);
            }
            return architecture.load(file, options);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Opens {@code path} as an embedding model with {@link ModelOptions#defaults()}. */
    public static EmbeddingModel openEmbedding(Path path) throws IOException {
        return openEmbedding(path, ModelOptions.defaults());
    }

    /**
     * Opens and validates a model file as an embedding model: an encoder (bert, nomic-bert) as it
     * is, a decoder through {@link Model#embed}, pooled as its {@code {arch}.pooling_type} says (mean
     * when absent). Its tensors stay mapped until the model is closed.
     *
     * @throws ModelLoadException if the architecture is unknown, or a tensor or hyperparameter is
     *     missing or malformed; the message names it
     * @throws dev.hearth.model.gguf.GgufFormatException if the file is not well-formed GGUF
     * @throws IOException if the file cannot be read
     */
    public static EmbeddingModel openEmbedding(Path path, ModelOptions options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            String name = file.metadata().getString(ARCHITECTURE_KEY);
            EmbeddingArchitecture encoder = ENCODERS.get(name);
            if (encoder != null) {
                return encoder.load(file, options);
            }
            Architecture decoder = ARCHITECTURES.get(name);
            if (decoder == null) {
                throw unknown(path, name);
            }
            return new DecoderEmbeddings(decoder.load(file, options));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static ModelLoadException unknown(Path path, String name) {
        java.util.Set<String> all = new java.util.TreeSet<>(ARCHITECTURES.keySet());
        all.addAll(ENCODERS.keySet());
        return new ModelLoadException(path, ARCHITECTURE_KEY, "unknown architecture '" + name
                + "' (Hearth runs: " + String.join(", ", all) + ")");
    }

    /** The decoder architectures Hearth can run, by {@code general.architecture} name. */
    public static java.util.Set<String> architectures() {
        return ARCHITECTURES.keySet();
    }

    /** The embedding-only architectures Hearth can run ({@link #openEmbedding} only). */
    public static java.util.Set<String> embeddingArchitectures() {
        return ENCODERS.keySet();
    }

    private static <A> Map<String, A> discover(Class<A> type, Function<A, String> name) {
        Map<String, A> byName = new TreeMap<>();
        for (A architecture : ServiceLoader.load(type, Models.class.getClassLoader())) {
            if (byName.put(name.apply(architecture), architecture) != null) {
                throw new IllegalStateException("two architectures named " + name.apply(architecture));
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }
}
