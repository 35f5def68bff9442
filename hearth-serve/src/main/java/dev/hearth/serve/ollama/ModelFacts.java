package dev.hearth.serve.ollama;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.serve.engine.FileTypes;
import dev.hearth.serve.ollama.Responses.ModelDetails;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What Ollama's {@code /api/tags}, {@code /api/show} and {@code /api/ps} say about a model file,
 * read from its GGUF header (metadata and tensor directory) without loading the model.
 *
 * @param family {@code general.architecture}
 * @param parameters weights in all tensors
 * @param quantization the weights' main type, as llama.cpp names it ({@code Q4_K_M})
 * @param digest hex SHA-256 of the file's size and its header bytes, not of the weights: the same
 *     file gives the same digest on every server, and any change to its metadata or tensor layout a
 *     new one, while hashing gigabytes of weights per model would hold up the first listing for
 *     minutes
 * @param template the chat template Hearth uses: the file's {@code tokenizer.chat_template}, else
 *     the built-in one chosen for the model (Jinja, not Ollama's Go templates); empty for an
 *     embedding model, which chats with no one
 * @param license {@code general.license}; null when the file names none
 * @param embeds whether the model pools its states into embeddings ({@code <arch>.pooling_type}),
 *     rather than completing text
 * @param modelInfo the metadata as {@code model_info} shows it without {@code verbose}
 */
record ModelFacts(String family, long parameters, String quantization, String digest, String template, String license,
                  boolean embeds, Map<String, Object> modelInfo) {
    private static final String CHAT_TEMPLATE = "tokenizer.chat_template";
    /** Arrays longer than this show as {@code []} unless {@code verbose}, as in Ollama (vocabularies are huge). */
    private static final int SHORT_ARRAY = 5;

    /**
     * Reads {@code file}'s header.
     *
     * @throws IOException if the file cannot be read
     * @throws dev.hearth.model.gguf.GgufFormatException if it is not well-formed GGUF
     */
    static ModelFacts read(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata metadata = gguf.metadata();
            GgufSummary summary = GgufSummary.of(gguf);
            String family = summary.architecture();
            boolean embeds = metadata.contains(family + ".pooling_type");
            return new ModelFacts(family, summary.parameterCount(), FileTypes.name(metadata, summary),
                    digest(file, gguf.dataOffset(), gguf.fileSize()), embeds ? "" : template(metadata, family),
                    metadata.findString("general.license").orElse(null), embeds,
                    modelInfo(gguf, summary.parameterCount(), false));
        }
    }

    /** The whole {@code model_info} with every array in full, for {@code /api/show} with {@code verbose}. */
    static Map<String, Object> verboseModelInfo(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            return modelInfo(gguf, GgufSummary.of(gguf).parameterCount(), true);
        }
    }

    /** {@code details} as Ollama writes them: GGUF format, the architecture as the family. */
    ModelDetails details() {
        return new ModelDetails("", "gguf", family, List.of(family), parameterSize(parameters), quantization);
    }

    /** What the model can be asked to do: {@code completion} (and {@code tools}, if its template takes them) or {@code embedding}. */
    List<String> capabilities() {
        if (embeds) {
            return List.of("embedding");
        }
        return template.contains("tools") ? List.of("completion", "tools") : List.of("completion");
    }

    /**
     * A parameter count as Ollama shows it: {@code 7B}, {@code 1.5B}, {@code 494.03M}, {@code 260K}
     * (one decimal for billions and two for millions when not whole, none for thousands).
     */
    static String parameterSize(long n) {
        if (n >= 1_000_000_000L) {
            return scaled(n / 1e9, 1) + "B";
        }
        if (n >= 1_000_000L) {
            return scaled(n / 1e6, 2) + "M";
        }
        if (n >= 1_000L) {
            return Math.round(n / 1e3) + "K";
        }
        return Long.toString(n);
    }

    private static String scaled(double value, int decimals) {
        return value == Math.floor(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String template(GgufMetadata metadata, String family) {
        return metadata.findString(CHAT_TEMPLATE).orElseGet(() -> {
            List<String> tokens = metadata.findStringArray("tokenizer.ggml.tokens").orElse(List.of());
            return ChatTemplates.defaultFor(family, tokens::contains).source();
        });
    }

    /** The metadata, chat template aside (it is {@code template}), sorted by key, with the parameter count. */
    private static Map<String, Object> modelInfo(GgufFile gguf, long parameters, boolean verbose) {
        SortedMap<String, Object> info = new TreeMap<>();
        gguf.metadata().asMap().forEach((key, value) -> {
            if (!key.equals(CHAT_TEMPLATE)) {
                info.put(key, json(value, verbose));
            }
        });
        info.putIfAbsent("general.parameter_count", parameters);
        return info;
    }

    private static Object json(GgufValue value, boolean verbose) {
        return switch (value) {
            case GgufValue.Int i -> i.type() == GgufValueType.UINT64 && i.value() < 0
                    ? new BigInteger(Long.toUnsignedString(i.value())) : (Object) i.value();
            case GgufValue.Float32 f -> f.value();
            case GgufValue.Float64 f -> f.value();
            case GgufValue.Bool b -> b.value();
            case GgufValue.Str s -> s.text();
            case GgufValue.Array a -> {
                if (!verbose && a.elements().size() > SHORT_ARRAY) {
                    yield List.of();
                }
                List<Object> elements = new ArrayList<>(a.elements().size());
                a.elements().forEach(e -> elements.add(json(e, verbose)));
                yield elements;
            }
        };
    }

    private static String digest(Path file, long headerBytes, long fileBytes) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(0, fileBytes));
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            long left = headerBytes;
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int read = channel.read(buffer, headerBytes - left);
                if (read < 0) {
                    throw new IOException(file + ": ended inside its GGUF header");
                }
                sha.update(buffer.flip());
                left -= read;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
