package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hearth.model.constrain.JsonGrammar;
import dev.hearth.serve.http.ApiException;

import java.util.List;
import java.util.Map;

/**
 * The JSON Schema of a forced tool call, for {@code tool_choice} {@code required} (a call of any
 * offered function) or a named function: {@code {"name": <const>, "arguments": <the function's
 * parameters>}} ({@code "parameters"} for Llama's convention), one such object per candidate
 * function under {@code anyOf}. Constrained to it, the model's answer is always a call that names
 * an offered function and whose arguments validate against its parameters.
 */
final class ToolCallSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ToolCallSchema() {}

    /**
     * The grammar of one call of one of {@code candidates}, each the index of a tool in
     * {@code tools}.
     *
     * @throws ApiException 400 naming {@code tools[i].function.parameters} when constrained
     *     decoding cannot follow a candidate's parameters (the message gives the JSON pointer
     *     within them)
     */
    static JsonGrammar grammar(List<Tool> tools, List<Integer> candidates, String argumentsKey) {
        for (int i : candidates) { // alone first, so a problem is reported with its own pointer
            JsonNode parameters = tools.get(i).parameters();
            if (parameters != null) {
                try {
                    JsonGrammar.fromSchema(parameters);
                } catch (IllegalArgumentException e) {
                    String field = "tools[" + i + "].function.parameters";
                    throw ApiException.invalid(field, field + " cannot be enforced for tool_choice: " + e.getMessage());
                }
            }
        }
        return JsonGrammar.fromSchema(schema(tools, candidates, argumentsKey));
    }

    /** The schema itself: one candidate's call object, or {@code anyOf} them. */
    static JsonNode schema(List<Tool> tools, List<Integer> candidates, String argumentsKey) {
        if (candidates.size() == 1) {
            return call(tools.get(candidates.getFirst()), argumentsKey, "#/properties/" + argumentsKey);
        }
        ArrayNode anyOf = NODES.arrayNode();
        for (int k = 0; k < candidates.size(); k++) {
            anyOf.add(call(tools.get(candidates.get(k)), argumentsKey, "#/anyOf/" + k + "/properties/" + argumentsKey));
        }
        return NODES.objectNode().set("anyOf", anyOf);
    }

    /** {@code {"name": {"const": …}, argumentsKey: parameters}}, both required, nothing else. */
    private static ObjectNode call(Tool tool, String argumentsKey, String parametersPointer) {
        ObjectNode properties = NODES.objectNode();
        properties.set("name", NODES.objectNode().put("const", tool.name()));
        properties.set(argumentsKey, tool.parameters() == null ? NODES.objectNode().put("type", "object")
                : moved(tool.parameters(), parametersPointer));
        ObjectNode call = NODES.objectNode().put("type", "object");
        call.set("properties", properties);
        call.set("required", NODES.arrayNode().add("name").add(argumentsKey));
        call.put("additionalProperties", false);
        return call;
    }

    /**
     * {@code schema} with its local references ({@code #…}, relative to its own root) made
     * relative to {@code pointer}, where it now stands inside the call's schema.
     */
    private static JsonNode moved(JsonNode schema, String pointer) {
        JsonNode copy = schema.deepCopy();
        rebase(copy, pointer);
        return copy;
    }

    private static void rebase(JsonNode node, String pointer) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (field.getKey().equals("$ref") && value.isTextual() && value.textValue().startsWith("#")) {
                    object.put("$ref", pointer + value.textValue().substring(1));
                } else {
                    rebase(value, pointer);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(element -> rebase(element, pointer));
        }
    }
}
