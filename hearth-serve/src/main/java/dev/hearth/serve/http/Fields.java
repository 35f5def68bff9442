package dev.hearth.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A JSON object from a request, read field by field; every problem is an {@link ApiException}
 * (400) naming the field by its path, e.g. {@code messages[2].content} or
 * {@code stream_options.include_usage}.
 *
 * <p>An absent field and a field set to {@code null} are the same (as OpenAI treats them). Fields
 * the reader never asks for are ignored, so clients that send newer OpenAI fields still work.
 */
public final class Fields {
    private final JsonNode node;
    private final String path;

    private Fields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * The request body as a JSON object, read up to {@code maxBytes}.
     *
     * @throws ApiException 413 when the body is larger, 400 when it is empty, not JSON or not an object
     */
    public static Fields readBody(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw ApiException.invalid(null, "could not read the request body: " + e.getMessage());
        }
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return parse(body);
    }

    /** {@code json} (UTF-8) as a JSON object. */
    public static Fields parse(byte[] json) {
        if (json.length == 0) {
            throw ApiException.invalid(null, "the request body is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.invalid(null, "the request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "the request body could not be read as JSON: " + e.getMessage());
        }
        return of(root, "");
    }

    /** {@code node} as an object whose fields are named under {@code path} ("" for the top level). */
    public static Fields of(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(path.isEmpty() ? null : path,
                    (path.isEmpty() ? "the request body" : path) + " must be a JSON object, got " + describe(node));
        }
        return new Fields(node, path);
    }

    /** The full path of field {@code name}, for error messages. */
    public String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Whether {@code name} is present and not null. */
    public boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The raw value of {@code name}; null when absent or null. */
    public JsonNode raw(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    public Optional<String> string(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw wrongType(name, "a string", value);
        }
        return Optional.of(value.textValue());
    }

    public String requiredString(String name) {
        return string(name).orElseThrow(() -> missing(name));
    }

    public Optional<Boolean> bool(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw wrongType(name, "true or false", value);
        }
        return Optional.of(value.booleanValue());
    }

    /** A number in {@code [min, max]}. */
    public OptionalDouble number(String name, double min, double max) {
        JsonNode value = raw(name);
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!value.isNumber()) {
            throw wrongType(name, "a number", value);
        }
        double d = value.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.invalid(path(name), path(name) + " must be in [" + format(min) + ", " + format(max)
                    + "], got " + value.asText());
        }
        return OptionalDouble.of(d);
    }

    /** A whole number in {@code [min, max]} ({@code 5.0} counts as whole). */
    public OptionalLong integer(String name, long min, long max) {
        JsonNode value = raw(name);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (!value.isNumber() || !value.canConvertToExactIntegral()) {
            throw wrongType(name, "an integer", value);
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw ApiException.invalid(path(name), path(name) + " must be in [" + min + ", " + max + "], got "
                    + value.asText());
        }
        return OptionalLong.of(value.longValue());
    }

    public Optional<Fields> object(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw wrongType(name, "an object", value);
        }
        return Optional.of(new Fields(value, path(name)));
    }

    /** The elements of array {@code name}; empty when absent. */
    public List<JsonNode> array(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw wrongType(name, "an array", value);
        }
        List<JsonNode> elements = new ArrayList<>(value.size());
        value.forEach(elements::add);
        return elements;
    }

    /** The elements of array {@code name} as objects, each named {@code name[i]}. */
    public List<Fields> objects(String name) {
        List<JsonNode> elements = array(name);
        List<Fields> objects = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            objects.add(of(elements.get(i), path(name) + "[" + i + "]"));
        }
        return objects;
    }

    /** 400: {@code name} is required. */
    public ApiException missing(String name) {
        return ApiException.invalid(path(name), path(name) + " is required");
    }

    /** 400: {@code name} is not {@code expected}. */
    public ApiException wrongType(String name, String expected, JsonNode value) {
        return ApiException.invalid(path(name), path(name) + " must be " + expected + ", got " + describe(value));
    }

    /** A JSON value as an error message names it: its type, and a short number or string as is. */
    public static String describe(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isTextual()) {
            String s = value.textValue();
            return s.length() <= 40 ? "the string \"" + s + "\"" : "a string";
        }
        return value.isArray() ? "an array" : "an object";
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", "request_too_large", null,
                "the request body is larger than this server's limit of " + maxBytes + " bytes", 0);
    }
}
