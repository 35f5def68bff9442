package dev.hearth.model.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The matcher byte by byte, over a vocabulary of single bytes: what it accepts, rejects, and when it is complete. */
class JsonConstraintTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteVocabulary BYTES = ByteVocabulary.of();

    private static JsonGrammar schema(String schema) {
        try {
            return JsonGrammar.fromSchema(JSON.readTree(schema));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the whole text is accepted and leaves the constraint complete. */
    private static boolean whole(JsonGrammar grammar, String text) {
        JsonConstraint constraint = grammar.constrain(BYTES.trie);
        return ByteVocabulary.feedBytes(constraint, text.getBytes(StandardCharsets.UTF_8)) && constraint.complete();
    }

    /** Whether the text is accepted as a prefix (complete or not). */
    private static boolean prefix(JsonGrammar grammar, String text) {
        return ByteVocabulary.feedBytes(grammar.constrain(BYTES.trie), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anyObjectAcceptsJsonObjectsAndNothingElse() {
        JsonGrammar any = JsonGrammar.anyObject();
        assertThat(whole(any, "{}")).isTrue();
        assertThat(whole(any, " {\"a\": [1, -2.5e+3, true, null, \"x\\n\\u00e9\"], \"b\": {\"c\": {}}}")).isTrue();
        assertThat(whole(any, "{\"é\":\"中文\"}")).isTrue();
        assertThat(prefix(any, "[")).isFalse();
        assertThat(prefix(any, "\"a\"")).isFalse();
        assertThat(prefix(any, "{\"a\":01")).isFalse();
        assertThat(prefix(any, "{\"a\":1,}")).isFalse();
        assertThat(prefix(any, "{'a':1}")).isFalse();
        assertThat(prefix(any, "{\"a\":tru}")).isFalse();
        assertThat(prefix(any, "{\"a\":\"\t\"}")).isFalse(); // raw control character
        assertThat(prefix(any, "{\"a\":\"\\x\"}")).isFalse();
        assertThat(prefix(any, "{\"a\":\"\\ud83d\\ude00\"}")).isFalse(); // surrogates go as raw UTF-8
        assertThat(prefix(any, "{\"a\":1.}")).isFalse();
        assertThat(prefix(any, "{\"a\":-}")).isFalse();
    }

    @Test
    void rejectsInvalidUtf8InStrings() {
        JsonGrammar any = JsonGrammar.anyObject();
        assertThat(ByteVocabulary.feedBytes(any.constrain(BYTES.trie), new byte[] {'{', '"', (byte) 0xC0, (byte) 0x80})).isFalse();
        assertThat(ByteVocabulary.feedBytes(any.constrain(BYTES.trie), new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0})).isFalse();
        assertThat(ByteVocabulary.feedBytes(any.constrain(BYTES.trie), new byte[] {'{', '"', (byte) 0xE4, '"'})).isFalse();
        assertThat(ByteVocabulary.feedBytes(any.constrain(BYTES.trie), new byte[] {'{', '"', (byte) 0xF4, (byte) 0x90})).isFalse();
        assertThat(ByteVocabulary.feedBytes(any.constrain(BYTES.trie), new byte[] {'{', '"', (byte) 0x80})).isFalse();
    }

    @Test
    void charactersSplitAcrossTokensAreAccepted() {
        byte[] zhong = "中".getBytes(StandardCharsets.UTF_8); // E4 B8 AD
        ByteVocabulary vocabulary = new ByteVocabulary(java.util.List.of(
                new byte[] {'{', '"', zhong[0]}, new byte[] {zhong[1], zhong[2], '"', ':'}, new byte[] {'"', zhong[0], zhong[1]},
                new byte[] {zhong[2], '"', '}'}));
        int openKey = 256;
        int closeKey = 257;
        int openValue = 258;
        int closeValue = 259;
        for (String schema : new String[] {"{\"type\":\"object\",\"properties\":{\"中\":{\"enum\":[\"中\"]}}}",
            "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":1}}"}) {
            JsonConstraint constraint = schema(schema).constrain(vocabulary.trie);
            for (int token : new int[] {openKey, closeKey, openValue, closeValue}) {
                float[] logits = new float[vocabulary.size()];
                constraint.mask(logits);
                assertThat(logits[token]).as("%s, token %d", schema, token).isZero();
                constraint.accept(token);
            }
            assertThat(constraint.complete()).isTrue();
        }
        JsonConstraint constraint = JsonGrammar.anyObject().constrain(vocabulary.trie);
        constraint.accept(openKey);
        assertThat(constraint.accepts('"')).isFalse(); // half a character cannot end the key
        assertThat(constraint.accepts('A')).isFalse(); // nor can an ASCII byte follow a lead byte
        assertThat(constraint.accepts(0x80)).isTrue();
    }

    @Test
    void completesExactlyWhenTheTopLevelObjectCloses() {
        JsonConstraint constraint = JsonGrammar.anyObject().constrain(BYTES.trie);
        for (byte b : "{\"a\":{\"b\":[1]}".getBytes(StandardCharsets.UTF_8)) {
            assertThat(constraint.complete()).isFalse();
            constraint.accept(b);
        }
        assertThat(constraint.complete()).isFalse();
        constraint.accept('}');
        assertThat(constraint.complete()).isTrue();
        float[] logits = new float[BYTES.size()];
        constraint.mask(logits);
        for (int id = 0; id < logits.length; id++) {
            assertThat(logits[id]).as("token %d", id).isEqualTo(id == BYTES.end ? 0f : Float.NEGATIVE_INFINITY);
        }
        assertThatThrownBy(() -> constraint.accept(' ')).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTopLevelNumberEndsAtWhitespaceOrTheEndToken() {
        JsonGrammar integer = schema("{\"type\": \"integer\"}");
        JsonConstraint constraint = integer.constrain(BYTES.trie);
        assertThat(constraint.accepts(BYTES.end)).isFalse();
        constraint.accept('4');
        constraint.accept('2');
        assertThat(constraint.complete()).isFalse();
        assertThat(constraint.accepts('.')).isFalse();
        assertThat(constraint.accepts(BYTES.end)).isTrue();
        float[] logits = new float[BYTES.size()];
        constraint.mask(logits);
        assertThat(logits[BYTES.end]).isZero();
        assertThat(logits['7']).isZero();
        constraint.accept(BYTES.end);
        assertThat(constraint.complete()).isTrue();
        assertThat(whole(integer, "-17\n")).isTrue();
        assertThat(whole(schema("{\"type\": \"number\"}"), "0.5e-3 ")).isTrue();
        assertThat(whole(schema("{\"type\": \"string\"}"), "\"x\"")).isTrue();
    }

    @Test
    void acceptingAForbiddenTokenThrowsAndChangesNothing() {
        JsonConstraint constraint = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}")
                .constrain(BYTES.trie);
        constraint.accept('{');
        assertThatThrownBy(() -> constraint.accept('}')).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 125");
        assertThatThrownBy(() -> constraint.accept(BYTES.end)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ByteVocabulary.feedBytes(constraint, "\"a\":5}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(constraint.complete()).isTrue();
    }

    @Test
    void propertiesComeInSchemaOrderRequiredOnesCannotBeSkipped() {
        JsonGrammar grammar = schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}, "c": {"type": "boolean"}},
                 "required": ["a", "c"], "additionalProperties": false}""");
        assertThat(whole(grammar, "{\"a\":1,\"b\":\"x\",\"c\":true}")).isTrue();
        assertThat(whole(grammar, "{\"a\":1,\"c\":false}")).isTrue();
        assertThat(whole(grammar, "{ \"a\" : 1 , \"c\" : false }")).isTrue();
        assertThat(prefix(grammar, "{\"a\":1}")).isFalse();
        assertThat(prefix(grammar, "{\"c\"")).isFalse();
        assertThat(prefix(grammar, "{\"a\":1,\"a\"")).isFalse();
        assertThat(prefix(grammar, "{\"a\":1,\"c\":true,")).isFalse();
        assertThat(prefix(grammar, "{\"a\":1,\"d\"")).isFalse();
        assertThat(prefix(grammar, "{\"a\":\"1\"")).isFalse();
    }

    @Test
    void additionalPropertiesFollowTheirSchemaAndCannotReuseDeclaredNames() {
        JsonGrammar grammar = schema("""
                {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
                 "additionalProperties": {"type": "number"}}""");
        assertThat(whole(grammar, "{\"id\":1,\"x\":2.5,\"idx\":3}")).isTrue();
        assertThat(prefix(grammar, "{\"x\":1")).isFalse(); // the required id comes first
        assertThat(prefix(grammar, "{\"id\":1,\"x\":\"s\"")).isFalse();
        assertThat(prefix(grammar, "{\"id\":1,\"id\"")).isFalse();
        assertThat(prefix(grammar, "{\"id\":1,\"i\\u0064\"")).isFalse(); // no \\u in free names
        assertThat(whole(schema("{\"type\":\"object\"}"), "{\"k\":[{}]}")).isTrue();
        assertThat(prefix(schema("{\"type\":\"object\",\"properties\":{\"a\":{}}}"), "{\"b\"")).isFalse();
    }

    @Test
    void arraysKeepTheirItemCounts() {
        JsonGrammar grammar = schema("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":3}");
        assertThat(prefix(grammar, "[1]")).isFalse();
        assertThat(whole(grammar, "[1,2]")).isTrue();
        assertThat(whole(grammar, "[1, 2, 3]")).isTrue();
        assertThat(prefix(grammar, "[1,2,3,")).isFalse();
        JsonGrammar tuple = schema("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"number\"}]}");
        assertThat(whole(tuple, "[\"a\",1]")).isTrue();
        assertThat(whole(tuple, "[]")).isTrue();
        assertThat(prefix(tuple, "[1")).isFalse();
        assertThat(prefix(tuple, "[\"a\",1,")).isFalse();
    }

    @Test
    void stringLengthsCountCharactersNotBytes() {
        JsonGrammar grammar = schema("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertThat(prefix(grammar, "\"a\"")).isFalse();
        assertThat(whole(grammar, "\"中文\"")).isTrue();
        assertThat(whole(grammar, "\"a\\nb\"")).isTrue();
        assertThat(prefix(grammar, "\"abcd")).isFalse();
        assertThat(whole(grammar, "\"\\u00e9\\\"😀\"")).isTrue();
    }

    @Test
    void enumsAndConstsMatchTheirCompactJson() {
        JsonGrammar grammar = schema("{\"enum\":[\"red\",1,12,null,{\"a\":[true]},\"中\"]}");
        for (String text : new String[] {"\"red\"", "12", "null", "{\"a\":[true]}", "\"中\""}) {
            assertThat(whole(grammar, text)).as(text).isTrue();
        }
        JsonConstraint one = grammar.constrain(BYTES.trie);
        ByteVocabulary.feedBytes(one, "1".getBytes(StandardCharsets.UTF_8));
        assertThat(one.complete()).isFalse();
        assertThat(one.accepts(BYTES.end)).isTrue();
        assertThat(prefix(grammar, "\"re\"")).isFalse();
        assertThat(prefix(grammar, "13")).isFalse();
        assertThat(prefix(grammar, "{ \"a\"")).isFalse();
        assertThat(whole(schema("{\"const\":\"a\\\"b\"}"), "\"a\\\"b\"")).isTrue();
        assertThat(whole(schema("{\"type\":\"string\",\"enum\":[\"x\",1]}"), "\"x\"")).isTrue();
        assertThat(prefix(schema("{\"type\":\"string\",\"enum\":[\"x\",1]}"), "1")).isFalse();
    }

    @Test
    void anyOfFollowsEveryBranchUntilTheBytesDecide() {
        JsonGrammar grammar = schema("""
                {"anyOf": [
                  {"type": "object", "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}}, "required": ["kind", "lives"]},
                  {"type": "object", "properties": {"kind": {"const": "dog"}, "good": {"type": "boolean"}}, "required": ["kind", "good"]},
                  {"type": ["string", "null"], "maxLength": 1}]}""");
        assertThat(whole(grammar, "{\"kind\":\"cat\",\"lives\":9}")).isTrue();
        assertThat(whole(grammar, "{\"kind\":\"dog\",\"good\":true}")).isTrue();
        assertThat(prefix(grammar, "{\"kind\":\"cat\",\"good\"")).isFalse();
        assertThat(whole(grammar, "null")).isTrue();
        assertThat(whole(grammar, "\"x\"")).isTrue();
        assertThat(prefix(grammar, "\"xy")).isFalse();
    }

    @Test
    void recursiveReferencesNest() {
        JsonGrammar grammar = schema("""
                {"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"},
                   "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["v", "kids"]}},
                 "$ref": "#/$defs/node"}""");
        assertThat(whole(grammar, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3,\"kids\":[]}]}]}")).isTrue();
        assertThat(prefix(grammar, "{\"v\":1,\"kids\":[{\"v\":2}")).isFalse();
        JsonGrammar list = schema("""
                {"type": "object", "properties": {"head": {"type": "string"}, "tail": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}},
                 "required": ["head", "tail"]}""");
        assertThat(whole(list, "{\"head\":\"a\",\"tail\":{\"head\":\"b\",\"tail\":null}}")).isTrue();
    }

    @Test
    void whitespaceRunsAreBounded() {
        JsonGrammar any = JsonGrammar.anyObject();
        String ok = " ".repeat(Container.MAX_WHITESPACE);
        assertThat(whole(any, "{" + ok + "}")).isTrue();
        assertThat(prefix(any, "{" + ok + " ")).isFalse();
        assertThat(whole(any, "{\n  \"a\": [\n    1,\n    2\n  ]\n}")).isTrue();
    }

    @Test
    void numbersHaveCappedDigits() {
        JsonGrammar any = JsonGrammar.anyObject();
        assertThat(prefix(any, "{\"a\":" + "9".repeat(NumberRule.MAX_DIGITS) + "}")).isTrue();
        assertThat(prefix(any, "{\"a\":" + "9".repeat(NumberRule.MAX_DIGITS + 1))).isFalse();
        assertThat(prefix(any, "{\"a\":1e1234")).isFalse();
    }

    @Test
    void parsesWhatItAccepts() throws Exception {
        String text = "{\"a\": [1, -2.5e+3, true, null, \"x\\n\\u00e9\\\"\"], \"b\": {\"c\": {}}}";
        assertThat(whole(JsonGrammar.anyObject(), text)).isTrue();
        JsonNode parsed = JSON.readTree(text);
        assertThat(parsed.get("a").get(4).asText()).isEqualTo("x\né\"");
    }
}
