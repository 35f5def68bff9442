package dev.hearth.model.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, byte for byte, as Hugging Face's {@code tojson} filter calls it.
 *
 * <p>Templates print tool schemas and call arguments with {@code tojson}, so its exact spacing
 * reaches the prompt the model was trained on: {@code ", "} and {@code ": "} without an indent,
 * {@code ","} and newlines with one, keys in insertion order, floats as Python's {@code repr}.
 */
final class PythonJson {
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean ensureAscii;
    private final boolean sortKeys;

    /**
     * @param indent spaces per level, or null for everything on one line
     * @param separators item and key separators, or null for Python's defaults
     */
    PythonJson(Integer indent, List<String> separators, boolean ensureAscii, boolean sortKeys) {
        this.indent = indent == null ? null : " ".repeat(Math.max(0, indent));
        this.itemSeparator = separators != null ? separators.get(0) : indent == null ? ", " : ",";
        this.keySeparator = separators != null ? separators.get(1) : ": ";
        this.ensureAscii = ensureAscii;
        this.sortKeys = sortKeys;
    }

    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, 0, out);
        return out.toString();
    }

    private void write(Object value, int depth, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case CharSequence s -> writeString(s.toString(), out);
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(f.doubleValue()));
            case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
            case Long _, Integer _, Short _, Byte _, BigInteger _ -> out.append(value);
            case Map<?, ?> map -> writeMap(map, depth, out);
            case Iterable<?> items -> writeList(items, depth, out);
            case Object[] items -> writeList(List.of(items), depth, out);
            default -> throw new IllegalArgumentException(
                    "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private void writeMap(Map<?, ?> map, int depth, StringBuilder out) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
            entries.sort((a, b) -> key(a.getKey()).compareTo(key(b.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            separate(i, depth + 1, out);
            writeString(key(entries.get(i).getKey()), out);
            out.append(keySeparator);
            write(entries.get(i).getValue(), depth + 1, out);
        }
        close(depth, out);
        out.append('}');
    }

    private void writeList(Iterable<?> items, int depth, StringBuilder out) {
        out.append('[');
        int i = 0;
        for (Object item : items) {
            separate(i++, depth + 1, out);
            write(item, depth + 1, out);
        }
        if (i > 0) {
            close(depth, out);
        }
        out.append(']');
    }

    private void separate(int index, int depth, StringBuilder out) {
        if (index > 0) {
            out.append(itemSeparator);
        }
        if (indent != null) {
            out.append('\n').append(indent.repeat(depth));
        }
    }

    private void close(int depth, StringBuilder out) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(depth));
        }
    }

    /** Python turns non-string keys into strings the way it would print them as JSON values. */
    private static String key(Object key) {
        return switch (key) {
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Double d -> floatRepr(d);
            default -> key.toString();
        };
    }

    private void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // ensure_ascii escapes DEL and every non-ASCII UTF-16 unit (so surrogate pairs)
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that round-trip (as Java's), but fixed
     * notation only for decimal exponents -4 through 15, and {@code 1e-05} style otherwise.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append(exponent < 0 ? "e-" : "e+").append(String.format("%02d", Math.abs(exponent)));
        } else if (exponent < 0) {
            out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits).append("0".repeat(exponent + 1 - digits.length())).append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }
}
