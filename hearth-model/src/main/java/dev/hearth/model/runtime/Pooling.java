package dev.hearth.model.runtime;

import dev.hearth.model.gguf.GgufMetadata;

/** How a sequence's hidden states become one embedding vector. */
public enum Pooling {
    /** The average over every position. */
    MEAN,
    /** The first position's (BERT's {@code [CLS]}). */
    CLS,
    /** The last position's (decoder embedding models such as Qwen3-Embedding). */
    LAST;

    /**
     * The pooling {@code {arch}.pooling_type} names (llama.cpp's numbers: 1 mean, 2 cls, 3 last), or
     * {@code fallback} when the key is absent.
     *
     * @throws ModelLoadException naming the key for a type Hearth does not pool by (0 none, 4 rank)
     */
    public static Pooling of(GgufMetadata metadata, String architecture, Pooling fallback) {
        String key = architecture + ".pooling_type";
        var type = metadata.findLong(key);
        if (type.isEmpty()) {
            return fallback;
        }
        return switch ((int) type.getAsLong()) {
            case 1 -> MEAN;
            case 2 -> CLS;
            case 3 -> LAST;
            default -> throw new ModelLoadException(null, key, "pooling type " + type.getAsLong()
                    + " is not one Hearth embeds with (1 mean, 2 cls, 3 last)");
        };
    }
}
