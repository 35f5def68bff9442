package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.constrain.SchemaValidator;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Json;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The schema a forced call is constrained to. */
class ToolCallSchemaTest {
    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }

    private static final List<Tool> TOOLS;

    static {
        try {
            TOOLS = List.of(
                    new Tool("get_weather", "The weather", json("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}},"
                            + " \"required\": [\"city\"], \"additionalProperties\": false}"), false),
                    new Tool("list", null, json("{\"type\": \"object\", \"properties\": {\"items\": {\"type\": \"array\","
                            + " \"items\": {\"$ref\": \"#/$defs/item\"}}}, \"$defs\": {\"item\": {\"type\": \"integer\"}}}"), false),
                    new Tool("ping", null, null, false));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> problems(JsonNode schema, String call) throws IOException {
        return new SchemaValidator(schema).validate(json(call));
    }

    @Test
    void aNamedFunctionsCallHasItsNameAndArgumentsThatFollowItsParameters() throws IOException {
        JsonNode schema = ToolCallSchema.schema(TOOLS, List.of(0), "arguments");
        assertThat(problems(schema, "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}")).isEmpty();
        assertThat(problems(schema, "{\"name\": \"ping\", \"arguments\": {}}")).isNotEmpty();
        assertThat(problems(schema, "{\"name\": \"get_weather\", \"arguments\": {}}")).isNotEmpty();
        assertThat(problems(schema, "{\"name\": \"get_weather\"}")).isNotEmpty();
        assertThat(ToolCallSchema.grammar(TOOLS, List.of(0), "arguments")).isNotNull();
    }

    @Test
    void requiredAllowsACallOfAnyToolWithReferencesStillPointingIntoItsParameters() throws IOException {
        JsonNode schema = ToolCallSchema.schema(TOOLS, List.of(0, 1, 2), "parameters");
        assertThat(problems(schema, "{\"name\": \"list\", \"parameters\": {\"items\": [1, 2]}}")).isEmpty();
        assertThat(problems(schema, "{\"name\": \"list\", \"parameters\": {\"items\": [\"x\"]}}")).isNotEmpty();
        assertThat(problems(schema, "{\"name\": \"ping\", \"parameters\": {\"anything\": true}}")).isEmpty();
        assertThat(problems(schema, "{\"name\": \"ping\", \"arguments\": {}}")).isNotEmpty();
        assertThat(schema.at("/anyOf/1/properties/parameters/properties/items/items/$ref").asText())
                .isEqualTo("#/anyOf/1/properties/parameters/$defs/item");
        assertThat(TOOLS.get(1).parameters().at("/properties/items/items/$ref").asText()).as("the request's own schema")
                .isEqualTo("#/$defs/item");
        assertThat(ToolCallSchema.grammar(TOOLS, List.of(0, 1, 2), "parameters")).isNotNull();
    }

    @Test
    void parametersThatCannotBeEnforcedAre400NamingTheToolsParameters() throws IOException {
        List<Tool> tools = List.of(TOOLS.getFirst(), new Tool("zip", null,
                json("{\"type\": \"object\", \"properties\": {\"code\": {\"type\": \"string\", \"pattern\": \"[0-9]+\"}}}"), false));
        assertThatThrownBy(() -> ToolCallSchema.grammar(tools, List.of(0, 1), "arguments"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("tools[1].function.parameters");
                    assertThat(e.getMessage()).contains("/properties/code/pattern");
                });
        assertThat(ToolCallSchema.grammar(tools, List.of(0), "arguments")).as("only the named function matters").isNotNull();
    }
}
