package dev.hearth.model.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which schemas compile, and the errors that name the JSON pointer of what is not supported. */
class SchemaCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void namesThePointerOfAnUnsupportedKeyword() throws Exception {
        JsonNode schema = json("""
                {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}""");
        assertThatThrownBy(() -> JsonGrammar.fromSchema(schema))
                .isInstanceOf(JsonSchemaException.class)
                .hasMessage("/properties/zip/pattern: the 'pattern' keyword is not supported")
                .extracting(e -> ((JsonSchemaException) e).pointer()).isEqualTo("/properties/zip/pattern");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "string", "minLength": 1, "format": "email"} | ok
            {"not": {"type": "string"}} | /not: the 'not' keyword is not supported
            {"type": "array", "uniqueItems": true} | /uniqueItems: the 'uniqueItems' keyword is not supported
            {"type": "array", "uniqueItems": false, "items": {"type": "integer"}} | ok
            {"type": "object", "properties": {"a/b": {"type": "object", "patternProperties": {}}}} | /properties/a~1b/patternProperties: the 'patternProperties' keyword is not supported
            {"type": "object", "minProperties": 1} | /minProperties: the 'minProperties' keyword is not supported
            {"type": "number", "minimum": 0, "maximum": 9, "description": "d", "title": "t", "default": 1, "examples": [1], "x-extra": 1} | ok
            {"type": "number", "multipleOf": 2} | /multipleOf: the 'multipleOf' keyword is not supported
            {"type": "strin"} | /type: expected one of object, array, string, number, integer, boolean, null, or a non-empty array of them
            {"type": ["string", 3]} | /type/1: expected one of object, array, string, number, integer, boolean, null, or a non-empty array of them
            {"allOf": [{"type": "string"}, {"maxLength": 3}]} | /allOf: only an 'allOf' of exactly one schema is supported
            {"allOf": [{"$ref": "#/$defs/a"}], "description": "x", "$defs": {"a": {"type": "integer"}}} | ok
            {"anyOf": [{"type": "string"}], "type": "string"} | /type: 'type' beside 'anyOf' is not supported
            {"anyOf": []} | /anyOf: must be a non-empty array of schemas
            {"$ref": "#/$defs/missing"} | /$ref: '#/$defs/missing' names nothing in the schema
            {"$ref": "https://example.com/schema.json"} | /$ref: only local references ('#', '#/$defs/…', '#/definitions/…') are supported
            {"$ref": "#/definitions/a", "definitions": {"a": {"type": "string", "pattern": "x"}}} | /definitions/a/pattern: the 'pattern' keyword is not supported
            {"type": "string", "minLength": 5, "maxLength": 2} | /minLength: minLength 5 is more than maxLength 2
            {"type": "array", "minItems": -1} | /minItems: must be a non-negative integer
            {"type": "array", "prefixItems": [{"type": "string"}], "items": false, "minItems": 2} | /minItems: minItems 2 is more than the 1 prefixItems, and no further items are allowed
            {"type": "array", "items": [{"type": "string"}]} | /items: the array form of 'items' is not supported; use 'prefixItems'
            {"type": "object", "required": ["a"], "additionalProperties": false} | /required: required property 'a' is not in 'properties', and 'additionalProperties' does not allow it
            {"type": "object", "required": ["a"]} | ok
            {"type": "string", "enum": [1, 2]} | /enum: no value is allowed (the enum, const and type leave nothing)
            {"enum": []} | /enum: must be a non-empty array
            {"type": "string", "nullable": "yes"} | /nullable: must be true or false
            {"properties": {"a": 3}} | /properties/a: a schema must be an object or a boolean, not NUMBER
            {"type": "object", "properties": {"self": {"$ref": "#"}}, "required": ["self"]} | (root): the schema admits no finite value (a required property or item can never end, e.g. a $ref that requires itself)
            {"type": "object", "properties": {"self": {"$ref": "#"}}} | ok
            """)
    void acceptsTheSubsetAndRefusesTheRestByPointer(String schema, String expected) throws Exception {
        JsonNode node = json(schema);
        if (expected.equals("ok")) {
            assertThat(JsonGrammar.fromSchema(node)).isNotNull();
        } else {
            assertThatThrownBy(() -> JsonGrammar.fromSchema(node)).isInstanceOf(JsonSchemaException.class).hasMessage(expected);
        }
    }

    @Test
    void dropsOptionalPartsThatCanNeverEnd() throws Exception {
        // "loop" requires itself, so it is never offered; the object stays writable
        JsonGrammar grammar = JsonGrammar.fromSchema(json("""
                {"type": "object", "$defs": {"loop": {"type": "object", "properties": {"again": {"$ref": "#/$defs/loop"}},
                   "required": ["again"]}},
                 "properties": {"bad": {"$ref": "#/$defs/loop"}, "ok": {"type": "boolean"}, "never": false}}"""));
        JsonConstraint constraint = grammar.constrain(ByteVocabulary.of().trie);
        assertThat(ByteVocabulary.feedBytes(constraint, "{\"b".getBytes())).isFalse();
        JsonConstraint other = grammar.constrain(ByteVocabulary.of().trie);
        assertThat(ByteVocabulary.feedBytes(other, "{\"ok\":true}".getBytes())).isTrue();
        assertThat(other.complete()).isTrue();
    }

    @Test
    void aGrammarIsReusedAcrossConstraints() throws Exception {
        JsonGrammar grammar = JsonGrammar.fromSchema(json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"));
        ByteVocabulary vocabulary = ByteVocabulary.of();
        JsonConstraint first = grammar.constrain(vocabulary.trie);
        JsonConstraint second = grammar.constrain(vocabulary.trie);
        ByteVocabulary.feedBytes(first, "{\"a\":1}".getBytes());
        assertThat(first.complete()).isTrue();
        assertThat(second.complete()).isFalse();
        assertThat(ByteVocabulary.feedBytes(second, "{}".getBytes())).isTrue();
    }
}
