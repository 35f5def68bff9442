package dev.hearth.model.constrain;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON Schema validator for the subset the constraint supports, with JSON Schema's own meaning
 * (an absent {@code additionalProperties} allows any), written independently of the compiler so
 * that the tests check generated output against the schema, not against the compiler's reading.
 */
final class SchemaValidator {
    private final JsonNode document;

    SchemaValidator(JsonNode document) {
        this.document = document;
    }

    /** The problems with {@code value}; empty when it is valid. */
    List<String> validate(JsonNode value) {
        List<String> problems = new ArrayList<>();
        validate(document, value, "$", problems);
        return problems;
    }

    private void validate(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                problems.add(at + ": the schema false allows nothing");
            }
            return;
        }
        if (schema.has("$ref")) {
            validate(document.at(JsonPointer.compile(schema.get("$ref").asText().substring(1))), value, at, problems);
            return;
        }
        if (schema.path("nullable").asBoolean(false) && value.isNull()) {
            return;
        }
        schema.path("allOf").forEach(s -> validate(s, value, at, problems));
        if (schema.has("anyOf") && matching(schema.get("anyOf"), value) == 0) {
            problems.add(at + ": matches no anyOf branch");
        }
        if (schema.has("oneOf") && matching(schema.get("oneOf"), value) != 1) {
            problems.add(at + ": does not match exactly one oneOf branch");
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            problems.add(at + ": is not the const " + schema.get("const"));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.get("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                problems.add(at + ": is not in the enum");
            }
        }
        if (schema.has("type")) {
            JsonNode type = schema.get("type");
            boolean ok = false;
            for (JsonNode t : type.isArray() ? type : List.of(type)) {
                ok |= hasType(value, t.asText());
            }
            if (!ok) {
                problems.add(at + ": is not of type " + type);
            }
        }
        if (value.isObject()) {
            object(schema, value, at, problems);
        } else if (value.isArray()) {
            array(schema, value, at, problems);
        } else if (value.isTextual()) {
            long length = value.textValue().codePointCount(0, value.textValue().length());
            if (length < schema.path("minLength").asLong(0) || length > schema.path("maxLength").asLong(Long.MAX_VALUE)) {
                problems.add(at + ": length " + length + " is out of bounds");
            }
        }
    }

    private int matching(JsonNode branches, JsonNode value) {
        int count = 0;
        for (JsonNode branch : branches) {
            List<String> problems = new ArrayList<>();
            validate(branch, value, "", problems);
            count += problems.isEmpty() ? 1 : 0;
        }
        return count;
    }

    private void object(JsonNode schema, JsonNode value, String at, List<String> problems) {
        for (JsonNode name : schema.path("required")) {
            if (!value.has(name.asText())) {
                problems.add(at + ": lacks required " + name);
            }
        }
        JsonNode properties = schema.path("properties");
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            String where = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                validate(properties.get(field.getKey()), field.getValue(), where, problems);
            } else if (schema.has("additionalProperties")) {
                validate(schema.get("additionalProperties"), field.getValue(), where, problems);
            }
        }
    }

    private void array(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (value.size() < schema.path("minItems").asLong(0) || value.size() > schema.path("maxItems").asLong(Long.MAX_VALUE)) {
            problems.add(at + ": " + value.size() + " items is out of bounds");
        }
        JsonNode prefix = schema.path("prefixItems");
        for (int i = 0; i < value.size(); i++) {
            if (i < prefix.size()) {
                validate(prefix.get(i), value.get(i), at + "[" + i + "]", problems);
            } else if (schema.has("items")) {
                validate(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException(type);
        };
    }
}
