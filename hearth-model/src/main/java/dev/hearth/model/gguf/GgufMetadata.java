package dev.hearth.model.gguf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order. Typed getters convert between integer
 * widths (range-checked) and fail with a {@link GgufFormatException} naming the key, its offset in
 * the file and the type that was expected. Immutable and thread-safe.
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, GgufValue> values;
    private final Map<String, Long> offsets;

    GgufMetadata(Path file, Map<String, GgufValue> values, Map<String, Long> offsets) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.offsets = Map.copyOf(offsets);
    }

    /** Metadata built in memory (no file, no offsets). */
    public static GgufMetadata of(Map<String, GgufValue> values) {
        return new GgufMetadata(null, values, Map.of());
    }

    /** All keys, in the order of the file. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** All entries, in the order of the file. */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public int size() {
        return values.size();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> findString(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufValue.Str s) {
            return Optional.of(s.text());
        }
        throw wrongType(key, "string", v);
    }

    public String getString(String key) {
        return findString(key).orElseThrow(() -> missing(key, "string"));
    }

    /** An integer of any width; a bool is not an integer. */
    public OptionalLong findLong(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof GgufValue.Int i) {
            if (i.type() == GgufValueType.UINT64 && i.value() < 0) {
                throw problem(key, "value " + i + " does not fit in a signed 64-bit integer");
            }
            return OptionalLong.of(i.value());
        }
        throw wrongType(key, "an integer", v);
    }

    public long getLong(String key) {
        return findLong(key).orElseThrow(() -> missing(key, "an integer"));
    }

    /** An integer that must fit in an int. */
    public int getInt(String key) {
        return toInt(key, getLong(key));
    }

    public OptionalLong findInt(String key) {
        OptionalLong v = findLong(key);
        if (v.isPresent()) {
            toInt(key, v.getAsLong());
        }
        return v;
    }

    /** A float32, float64 or integer value as a double. */
    public OptionalDouble findDouble(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        return switch (v) {
            case GgufValue.Float32 f -> OptionalDouble.of(f.value());
            case GgufValue.Float64 d -> OptionalDouble.of(d.value());
            case GgufValue.Int i -> OptionalDouble.of(i.value());
            default -> throw wrongType(key, "a number", v);
        };
    }

    public double getDouble(String key) {
        return findDouble(key).orElseThrow(() -> missing(key, "a number"));
    }

    public Optional<Boolean> findBoolean(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufValue.Bool b) {
            return Optional.of(b.value());
        }
        throw wrongType(key, "bool", v);
    }

    public boolean getBoolean(String key) {
        return findBoolean(key).orElseThrow(() -> missing(key, "bool"));
    }

    public Optional<GgufValue.Array> findArray(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufValue.Array a) {
            return Optional.of(a);
        }
        throw wrongType(key, "an array", v);
    }

    public GgufValue.Array getArray(String key) {
        return findArray(key).orElseThrow(() -> missing(key, "an array"));
    }

    public Optional<List<String>> findStringArray(String key) {
        return findArray(key).map(a -> {
            requireElementType(key, a, "string", a.elementType() == GgufValueType.STRING);
            if (a.elements() instanceof PackedElements.Strings packed) {
                return packed.texts();
            }
            List<String> out = new ArrayList<>(a.elements().size());
            for (GgufValue e : a.elements()) {
                out.add(((GgufValue.Str) e).text());
            }
            return Collections.unmodifiableList(out);
        });
    }

    public List<String> getStringArray(String key) {
        return findStringArray(key).orElseThrow(() -> missing(key, "an array of strings"));
    }

    /** An array of float32 or float64 values. */
    public float[] getFloatArray(String key) {
        GgufValue.Array a = getArray(key);
        requireElementType(key, a, "float32", a.elementType() == GgufValueType.FLOAT32
                || a.elementType() == GgufValueType.FLOAT64);
        float[] out = new float[a.elements().size()];
        if (a.elements() instanceof PackedElements.Numbers packed) {
            for (int i = 0; i < out.length; i++) {
                out[i] = packed.floatAt(i);
            }
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (a.elements().get(i)) {
                case GgufValue.Float32 f -> f.value();
                case GgufValue.Float64 d -> (float) d.value();
                default -> throw new IllegalStateException("checked above");
            };
        }
        return out;
    }

    /** An array of integers of any width, each of which must fit in an int. */
    public int[] getIntArray(String key) {
        GgufValue.Array a = getArray(key);
        requireElementType(key, a, "an integer type", a.elementType().isInteger());
        int[] out = new int[a.elements().size()];
        PackedElements.Numbers packed = a.elements() instanceof PackedElements.Numbers p ? p : null;
        for (int i = 0; i < out.length; i++) {
            long value = packed != null ? packed.longAt(i) : ((GgufValue.Int) a.elements().get(i)).value();
            if (value != (int) value) { // the element's name is built only for the error
                toInt(key + "[" + i + "]", value);
            }
            out[i] = (int) value;
        }
        return out;
    }

    private int toInt(String key, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw problem(key, "value " + value + " does not fit in a 32-bit integer");
        }
        return (int) value;
    }

    private void requireElementType(String key, GgufValue.Array a, String expected, boolean ok) {
        if (!ok) {
            throw problem(key, "expected an array of " + expected + ", found an array of " + a.elementType().specName());
        }
    }

    private GgufFormatException missing(String key, String expected) {
        return new GgufFormatException(file, key, -1, "required key is missing (expected " + expected + ")");
    }

    private GgufFormatException wrongType(String key, String expected, GgufValue found) {
        String foundName = found instanceof GgufValue.Array a
                ? "an array of " + a.elementType().specName() : found.type().specName();
        return problem(key, "expected " + expected + ", found " + foundName);
    }

    /** An error about {@code key} (or {@code key[i]}), naming this metadata's file and the key's offset. */
    public GgufFormatException problem(String key, String problem) {
        String base = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
        return new GgufFormatException(file, key, offsets.getOrDefault(base, -1L), problem);
    }
}
