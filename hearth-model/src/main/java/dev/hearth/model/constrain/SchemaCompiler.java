package dev.hearth.model.constrain;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON Schema into {@link Rule}s: the subset OpenAI structured outputs and LangChain4j
 * send. Every keyword is either followed, deliberately ignored (annotations and numeric bounds),
 * or refused with a {@link JsonSchemaException} naming its JSON pointer, never silently dropped:
 * output that looks schema-valid but is not would be worse than a clear 400.
 *
 * <p>Choices where JSON Schema leaves room: with {@code properties} and no
 * {@code additionalProperties}, no further properties are written (with neither, any object is);
 * with {@code prefixItems} and no {@code items}, no further items. Both narrow what may be written
 * to the values the schema's author described, and every such value is valid.
 */
final class SchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keywords that say nothing about which values are valid, or whose limits are not enforced. */
    private static final Set<String> IGNORED = Set.of("description", "title", "format", "default", "examples",
            "example", "strict", "$schema", "$id", "$comment", "readOnly", "writeOnly", "deprecated", "$defs",
            "definitions", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final Set<String> OBJECT = Set.of("properties", "required", "additionalProperties");
    private static final Set<String> ARRAY = Set.of("items", "prefixItems", "minItems", "maxItems", "uniqueItems");
    private static final Set<String> STRING = Set.of("minLength", "maxLength");
    private static final Set<String> GENERAL = Set.of("type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref");
    private static final List<String> TYPES = List.of("object", "array", "string", "number", "integer", "boolean", "null");

    private final JsonNode document;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, RefRule> refs = new HashMap<>();
    private final ArrayDeque<String> unresolved = new ArrayDeque<>();

    private SchemaCompiler(JsonNode document) {
        this.document = document;
    }

    /**
     * The root rule for {@code schema}.
     *
     * @throws JsonSchemaException if the schema uses what is not supported, or admits no value
     */
    static RootRule compile(JsonNode schema) {
        SchemaCompiler compiler = new SchemaCompiler(schema);
        Rule value = compiler.schema(schema, "");
        while (!compiler.unresolved.isEmpty()) {
            String pointer = compiler.unresolved.poll();
            compiler.refs.get(pointer).resolve(compiler.schema(schema.at(JsonPointer.compile(pointer)), pointer));
        }
        RootRule root = compiler.add(new RootRule(value));
        Rule.link(compiler.rules);
        if (!root.productive) {
            throw new JsonSchemaException("", "the schema admits no finite value (a required property or "
                    + "item can never end, e.g. a $ref that requires itself)");
        }
        return root;
    }

    private <R extends Rule> R add(R rule) {
        rules.add(rule);
        return rule;
    }

    private Rule schema(JsonNode node, String pointer) {
        if (node.isBoolean()) {
            return node.booleanValue() ? JsonValues.ANY : add(new AnyOfRule(List.of()));
        }
        if (!node.isObject()) {
            throw new JsonSchemaException(pointer, "a schema must be an object or a boolean, not " + node.getNodeType());
        }
        checkKeywords(node, pointer);
        Rule rule = body(node, pointer);
        JsonNode nullable = node.get("nullable");
        if (nullable != null) {
            if (!nullable.isBoolean()) {
                throw new JsonSchemaException(pointer + "/nullable", "must be true or false");
            }
            if (nullable.booleanValue()) {
                rule = add(new AnyOfRule(List.of(rule, JsonValues.literals("null"))));
            }
        }
        return rule;
    }

    private static void checkKeywords(JsonNode node, String pointer) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (IGNORED.contains(name) || name.startsWith("x-") || name.equals("nullable")) {
                continue;
            }
            boolean known = OBJECT.contains(name) || ARRAY.contains(name) || STRING.contains(name) || GENERAL.contains(name);
            if (!known || name.equals("uniqueItems") && node.get(name).asBoolean(true)) {
                throw new JsonSchemaException(pointer + "/" + escape(name), "the '" + name + "' keyword is not supported");
            }
        }
    }

    private Rule body(JsonNode node, String pointer) {
        if (node.has("$ref")) {
            alone(node, pointer, "$ref");
            return ref(node.get("$ref"), pointer + "/$ref");
        }
        if (node.has("allOf")) {
            alone(node, pointer, "allOf");
            JsonNode all = node.get("allOf");
            if (!all.isArray() || all.size() != 1) {
                throw new JsonSchemaException(pointer + "/allOf", "only an 'allOf' of exactly one schema is supported");
            }
            return schema(all.get(0), pointer + "/allOf/0");
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (node.has(keyword)) {
                alone(node, pointer, keyword);
                JsonNode alternatives = node.get(keyword);
                if (!alternatives.isArray() || alternatives.isEmpty()) {
                    throw new JsonSchemaException(pointer + "/" + keyword, "must be a non-empty array of schemas");
                }
                List<Rule> rules = new ArrayList<>();
                for (int i = 0; i < alternatives.size(); i++) {
                    rules.add(schema(alternatives.get(i), pointer + "/" + keyword + "/" + i));
                }
                return add(new AnyOfRule(rules));
            }
        }
        if (node.has("enum") || node.has("const")) {
            return literals(node, pointer);
        }
        List<String> types = types(node, pointer);
        if (types.isEmpty()) {
            return JsonValues.ANY;
        }
        List<Rule> alternatives = new ArrayList<>();
        for (String type : types) {
            alternatives.add(switch (type) {
                case "object" -> object(node, pointer);
                case "array" -> array(node, pointer);
                case "string" -> string(node, pointer);
                case "number" -> new NumberRule(false);
                case "integer" -> new NumberRule(true);
                case "boolean" -> JsonValues.literals("true", "false");
                case "null" -> JsonValues.literals("null");
                default -> throw new IllegalStateException(type);
            });
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : add(new AnyOfRule(alternatives));
    }

    /** Refuses keywords beside {@code keyword} that would have to be intersected with it. */
    private static void alone(JsonNode node, String pointer, String keyword) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            boolean structural = OBJECT.contains(name) || ARRAY.contains(name) || STRING.contains(name)
                    || GENERAL.contains(name);
            if (structural && !name.equals(keyword)) {
                throw new JsonSchemaException(pointer + "/" + escape(name),
                        "'" + name + "' beside '" + keyword + "' is not supported");
            }
        }
    }

    /** The placeholder for a local reference; the schema it names is compiled once, later. */
    private Rule ref(JsonNode ref, String pointer) {
        if (!ref.isTextual() || !ref.textValue().startsWith("#")) {
            throw new JsonSchemaException(pointer, "only local references ('#', '#/$defs/…', '#/definitions/…') are supported");
        }
        String target = URLDecoder.decode(ref.textValue().substring(1), StandardCharsets.UTF_8);
        if (!target.isEmpty() && !target.startsWith("/")) {
            throw new JsonSchemaException(pointer, "'" + ref.textValue() + "' is not a JSON pointer");
        }
        JsonPointer path;
        try {
            path = JsonPointer.compile(target);
        } catch (IllegalArgumentException e) {
            throw new JsonSchemaException(pointer, "'" + ref.textValue() + "' is not a JSON pointer");
        }
        if (document.at(path).isMissingNode()) {
            throw new JsonSchemaException(pointer, "'" + ref.textValue() + "' names nothing in the schema");
        }
        return refs.computeIfAbsent(target, t -> {
            unresolved.add(t);
            return add(new RefRule());
        });
    }

    private Rule literals(JsonNode node, String pointer) {
        List<JsonNode> values = new ArrayList<>();
        JsonNode constant = node.get("const");
        if (node.has("enum")) {
            JsonNode choices = node.get("enum");
            if (!choices.isArray() || choices.isEmpty()) {
                throw new JsonSchemaException(pointer + "/enum", "must be a non-empty array");
            }
            choices.forEach(v -> {
                if (constant == null || constant.equals(v)) {
                    values.add(v);
                }
            });
        } else {
            values.add(constant);
        }
        List<String> types = node.has("type") ? types(node, pointer) : TYPES;
        List<byte[]> texts = new ArrayList<>();
        for (JsonNode value : values) {
            if (types.stream().anyMatch(type -> hasType(value, type))) {
                try {
                    texts.add(JSON.writeValueAsBytes(value));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e); // a parsed tree always writes
                }
            }
        }
        if (texts.isEmpty()) {
            throw new JsonSchemaException(pointer + (node.has("enum") ? "/enum" : "/const"),
                    "no value is allowed (the enum, const and type leave nothing)");
        }
        return new LiteralRule(texts);
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isNumber() && value.canConvertToExactIntegral();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    /** The types named by {@code type}, or implied by the keywords present; empty for any type. */
    private static List<String> types(JsonNode node, String pointer) {
        JsonNode type = node.get("type");
        Set<String> types = new LinkedHashSet<>();
        if (type == null) {
            node.fieldNames().forEachRemaining(name -> {
                if (OBJECT.contains(name)) {
                    types.add("object");
                } else if (ARRAY.contains(name) && !name.equals("uniqueItems")) {
                    types.add("array");
                } else if (STRING.contains(name)) {
                    types.add("string");
                }
            });
            return List.copyOf(types);
        }
        List<JsonNode> named = new ArrayList<>();
        if (type.isArray() && !type.isEmpty()) {
            type.forEach(named::add);
        } else {
            named.add(type);
        }
        for (int i = 0; i < named.size(); i++) {
            JsonNode name = named.get(i);
            if (!name.isTextual() || !TYPES.contains(name.textValue())) {
                throw new JsonSchemaException(pointer + "/type" + (type.isArray() ? "/" + i : ""),
                        "expected one of " + String.join(", ", TYPES) + ", or a non-empty array of them");
            }
            types.add(name.textValue());
        }
        if (types.contains("number")) {
            types.remove("integer"); // every integer is a number
        }
        return List.copyOf(types);
    }

    private Rule object(JsonNode node, String pointer) {
        JsonNode properties = node.get("properties");
        if (properties != null && !properties.isObject()) {
            throw new JsonSchemaException(pointer + "/properties", "must be an object of schemas");
        }
        Set<String> required = new LinkedHashSet<>();
        JsonNode names = node.get("required");
        if (names != null) {
            if (!names.isArray()) {
                throw new JsonSchemaException(pointer + "/required", "must be an array of property names");
            }
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).isTextual()) {
                    throw new JsonSchemaException(pointer + "/required/" + i, "must be a property name");
                }
                required.add(names.get(i).textValue());
            }
        }
        Rule additional = additional(node, pointer, properties == null || properties.isEmpty());
        List<ObjectRule.Property> declared = new ArrayList<>();
        if (properties != null) {
            properties.properties().forEach(e -> declared.add(new ObjectRule.Property(e.getKey(),
                    schema(e.getValue(), pointer + "/properties/" + escape(e.getKey())), required.contains(e.getKey()))));
        }
        for (String name : required) {
            if (properties == null || !properties.has(name)) {
                if (additional == null) {
                    throw new JsonSchemaException(pointer + "/required", "required property '" + name
                            + "' is not in 'properties', and 'additionalProperties' does not allow it");
                }
                declared.add(new ObjectRule.Property(name, additional, true));
            }
        }
        if (declared.size() > ObjectRule.MAX_PROPERTIES) {
            throw new JsonSchemaException(pointer + "/properties", "more than " + ObjectRule.MAX_PROPERTIES + " properties");
        }
        return add(new ObjectRule(declared, additional));
    }

    /** The schema of further properties, or null when none are allowed. */
    private Rule additional(JsonNode node, String pointer, boolean noProperties) {
        JsonNode additional = node.get("additionalProperties");
        if (additional == null) {
            return noProperties ? JsonValues.ANY : null;
        }
        if (additional.isBoolean()) {
            return additional.booleanValue() ? JsonValues.ANY : null;
        }
        return schema(additional, pointer + "/additionalProperties");
    }

    private Rule array(JsonNode node, String pointer) {
        List<Rule> prefix = new ArrayList<>();
        JsonNode prefixItems = node.get("prefixItems");
        if (prefixItems != null) {
            if (!prefixItems.isArray()) {
                throw new JsonSchemaException(pointer + "/prefixItems", "must be an array of schemas");
            }
            for (int i = 0; i < prefixItems.size(); i++) {
                prefix.add(schema(prefixItems.get(i), pointer + "/prefixItems/" + i));
            }
        }
        JsonNode items = node.get("items");
        Rule rest;
        if (items == null) {
            rest = prefix.isEmpty() ? JsonValues.ANY : null;
        } else if (items.isArray()) {
            throw new JsonSchemaException(pointer + "/items", "the array form of 'items' is not supported; use 'prefixItems'");
        } else if (items.isBoolean() && !items.booleanValue()) {
            rest = null;
        } else {
            rest = schema(items, pointer + "/items");
        }
        long min = count(node, "minItems", pointer, 0);
        long max = count(node, "maxItems", pointer, Long.MAX_VALUE);
        if (min > max) {
            throw new JsonSchemaException(pointer + "/minItems", "minItems " + min + " is more than maxItems " + max);
        }
        if (rest == null && min > prefix.size()) {
            throw new JsonSchemaException(pointer + "/minItems", "minItems " + min + " is more than the "
                    + prefix.size() + " prefixItems, and no further items are allowed");
        }
        return add(new ArrayRule(prefix, rest, min, max));
    }

    private Rule string(JsonNode node, String pointer) {
        long min = count(node, "minLength", pointer, 0);
        long max = count(node, "maxLength", pointer, Long.MAX_VALUE);
        if (min > max) {
            throw new JsonSchemaException(pointer + "/minLength", "minLength " + min + " is more than maxLength " + max);
        }
        return new StringRule(min, max);
    }

    /** A non-negative integer keyword, or {@code absent} when it is missing. */
    private static long count(JsonNode node, String keyword, String pointer, long absent) {
        JsonNode value = node.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.isNumber() || !value.canConvertToExactIntegral() || value.asDouble() < 0) {
            throw new JsonSchemaException(pointer + "/" + keyword, "must be a non-negative integer");
        }
        return value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
    }

    /** A property name as one JSON pointer segment (RFC 6901). */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
