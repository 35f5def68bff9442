package dev.hearth.model.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.HuggingFaceTokenizers;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;
import dev.hearth.testdata.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generations under the constraint with the real vocabularies (Qwen3's byte-level BPE, 151k
 * tokens; Llama's SentencePiece with byte fallback, 32k): tokens drawn at random among those the
 * mask allows, then, after a while, preferring tokens that close things, until the value is
 * complete. The text must be valid UTF-8, parse as exactly one JSON value, and satisfy the schema
 * ({@link SchemaValidator}); the mask must never forbid everything, and a forbidden token must be
 * refused by {@code accept}.
 */
class JsonConstraintGenerationIT {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();
    private static final Map<Tokenizer, byte[][]> PIECES = new ConcurrentHashMap<>();
    private static final int RANDOM_STEPS = 40;
    private static final int MAX_TOKENS = 1500;
    private static final int SEEDS = 3;

    private static final Map<String, String> SCHEMAS = Map.of(
            "flat", """
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                  "score": {"type": "number"}, "active": {"type": "boolean"}, "nick": {"type": ["string", "null"]}},
                 "required": ["name", "age", "active"], "additionalProperties": false}""",
            "nested", """
                {"type": "object", "properties": {
                   "person": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20},
                      "address": {"type": "object", "properties": {"street": {"type": "string"}, "zip": {"type": "string", "minLength": 5, "maxLength": 5}},
                                  "required": ["street", "zip"], "additionalProperties": false}},
                      "required": ["name", "address"], "additionalProperties": false},
                   "tags": {"type": "array", "items": {"type": "string"}}},
                 "required": ["person", "tags"], "additionalProperties": false, "strict": true}""",
            "arrays", """
                {"type": "object", "properties": {
                   "words": {"type": "array", "items": {"type": "string", "maxLength": 5}, "minItems": 2, "maxItems": 4},
                   "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 3}, "maxItems": 2},
                   "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "minItems": 2}},
                 "required": ["words", "pair"]}""",
            "enums", """
                {"type": "object", "properties": {"color": {"enum": ["red", "green", "blue"]},
                   "size": {"type": "string", "enum": ["S", "M", "L", "XL"]}, "n": {"enum": [1, 12, 123, null, true]},
                   "c": {"const": "fixed"}},
                 "required": ["color", "size", "n", "c"]}""",
            "anyOf", """
                {"type": "object", "properties": {
                   "pet": {"anyOf": [
                      {"type": "object", "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}}, "required": ["kind", "lives"], "additionalProperties": false},
                      {"type": "object", "properties": {"kind": {"const": "dog"}, "good": {"type": "boolean"}}, "required": ["kind", "good"], "additionalProperties": false}]},
                   "id": {"oneOf": [{"type": "integer"}, {"type": "string", "minLength": 3}]}},
                 "required": ["pet", "id"], "additionalProperties": false}""",
            "recursive", """
                {"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
                   "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 3}},
                   "required": ["value", "children"], "additionalProperties": false}},
                 "$ref": "#/$defs/node"}""",
            "list", """
                {"definitions": {"list": {"type": "object", "properties": {"head": {"type": "string"},
                   "tail": {"anyOf": [{"$ref": "#/definitions/list"}, {"type": "null"}]}}, "required": ["head", "tail"]}},
                 "allOf": [{"$ref": "#/definitions/list"}]}""",
            "additional", """
                {"type": "object", "properties": {"id": {"type": "integer"}, "label": {"type": "string"}}, "required": ["id"],
                 "additionalProperties": {"type": "number"}}""",
            "text", """
                {"type": "object", "properties": {"城市": {"type": "string", "minLength": 2, "maxLength": 12},
                   "quote\\"d\\\\": {"const": "a\\"b\\\\c\\nd\\u0001"}, "名前": {"enum": ["東京", "大阪", "été"]},
                   "free": {"type": "string"}, "emoji": {"type": "string", "maxLength": 3}},
                 "required": ["城市", "quote\\"d\\\\", "名前", "free", "emoji"], "additionalProperties": false}""",
            "topLevelScalar", """
                {"type": "number"}""");

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String vocabulary : List.of("qwen3", "llama-spm")) {
            for (String name : SCHEMAS.keySet().stream().sorted().toList()) {
                cases.add(Arguments.of(vocabulary, name));
            }
            cases.add(Arguments.of(vocabulary, "json_object"));
        }
        return cases.stream();
    }

    private static Tokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, n -> {
            try {
                return n.equals("qwen3")
                        ? HuggingFaceTokenizers.load(TestData.file("qwen3-tokenizer/tokenizer.json"))
                        : Tokenizers.open(TestData.file("llama-vocab/ggml-vocab-llama-spm.gguf"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void randomGenerationsAreValidAndFinish(String vocabulary, String schemaName) throws Exception {
        Tokenizer tokenizer = tokenizer(vocabulary);
        JsonNode schema = schemaName.equals("json_object") ? JSON.readTree("{\"type\": \"object\"}") : JSON.readTree(SCHEMAS.get(schemaName));
        JsonGrammar grammar = schemaName.equals("json_object") ? JsonGrammar.anyObject() : JsonGrammar.fromSchema(schema);
        byte[][] pieces = PIECES.computeIfAbsent(tokenizer, t -> {
            byte[][] all = new byte[t.vocabulary().size()][];
            for (int id = 0; id < all.length; id++) {
                all[id] = t.tokenBytes(id, false, false);
            }
            return all;
        });
        int[] ends = TokenTrie.of(tokenizer).endTokens;
        float[] logits = new float[pieces.length];
        int[] allowed = new int[pieces.length];
        for (int seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed * 31L + schemaName.hashCode());
            TokenConstraint constraint = grammar.constrain(tokenizer);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int steps = 0;
            for (; steps < MAX_TOKENS && !constraint.complete(); steps++) {
                Arrays.fill(logits, 0f);
                constraint.mask(logits);
                int count = 0;
                for (int id = 0; id < logits.length; id++) {
                    if (logits[id] != Float.NEGATIVE_INFINITY) {
                        allowed[count++] = id;
                    }
                }
                String sofar = text.toString(StandardCharsets.UTF_8);
                assertThat(count).as("tokens allowed after %s", sofar).isPositive();
                if (count < logits.length && steps % 7 == 0) {
                    int bad;
                    do {
                        bad = random.nextInt(logits.length);
                    } while (logits[bad] != Float.NEGATIVE_INFINITY);
                    try {
                        constraint.accept(bad);
                        throw new AssertionError("accepted forbidden token " + bad + " after " + sofar);
                    } catch (IllegalArgumentException expected) {
                        // refused, and the state is unchanged: the generation goes on below
                    }
                }
                int token = choose(pieces, allowed, count, ends, random, steps >= RANDOM_STEPS);
                constraint.accept(token);
                if (!isEnd(ends, token)) {
                    text.writeBytes(pieces[token]);
                }
            }
            byte[] bytes = text.toByteArray();
            String output = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            assertThat(constraint.complete()).as("complete after %d tokens: %s", steps, output).isTrue();
            JsonNode value = JSON.readTree(output);
            assertThat(new SchemaValidator(schema).validate(value)).as("%s", output).isEmpty();
            if (schemaName.equals("json_object")) {
                assertThat(value.isObject()).isTrue();
            }
            if (seed == 0) {
                String shown = output.length() > 300 ? output.substring(0, 300) + "…" : output;
                System.out.printf("%s %s (%d tokens): %s%n", vocabulary, schemaName, steps,
                        shown.replace("\n", "\\n").replace("\t", "\\t"));
            }
        }
    }

    @Test
    void theVocabularyIsIndexedOnceAndControlTokensNeverAppearInJson() throws Exception {
        Tokenizer qwen = tokenizer("qwen3");
        assertThat(TokenTrie.of(qwen)).isSameAs(TokenTrie.of(qwen));
        TokenTrie trie = TokenTrie.of(qwen);
        for (int id = 0; id < qwen.vocabulary().size(); id++) {
            TokenType type = qwen.vocabulary().type(id);
            if (type != TokenType.NORMAL && type != TokenType.BYTE) {
                assertThat(trie.bytes(id)).as("token %d (%s)", id, type).isNull();
            }
        }
        int think = qwen.vocabulary().id("<think>").orElseThrow();
        int imEnd = qwen.specialTokens().eos().orElseThrow();
        TokenConstraint constraint = JsonConstraints.anyObject(qwen);
        for (int id : qwen.encode("{\"a\": \"x", SpecialTokenMode.NONE)) {
            constraint.accept(id);
        }
        float[] logits = new float[qwen.vocabulary().size() + 100]; // models pad their output rows
        constraint.mask(logits);
        assertThat(logits[think]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[imEnd]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[qwen.vocabulary().size() + 5]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[qwen.encode("hello")[0]]).isZero();
        for (int id : qwen.encode("\"}", SpecialTokenMode.NONE)) {
            constraint.accept(id);
        }
        assertThat(constraint.complete()).isTrue();
        Arrays.fill(logits, 0f);
        constraint.mask(logits);
        assertThat(logits[imEnd]).isZero();
        assertThatThrownBy(() -> JsonConstraints.schema(qwen, JSON.readTree("{\"properties\":{\"zip\":{\"pattern\":\"x\"}}}")))
                .isInstanceOf(JsonSchemaException.class).hasMessageStartingWith("/properties/zip/pattern: ");
    }

    private static boolean isEnd(int[] ends, int token) {
        for (int end : ends) {
            if (end == token) {
                return true;
            }
        }
        return false;
    }

    /** Random among the allowed at first; later the tokens that best close what is open. */
    private static int choose(byte[][] pieces, int[] allowed, int count, int[] ends, Random random, boolean finishing) {
        if (!finishing) {
            return allowed[random.nextInt(count)];
        }
        List<Integer> best = new ArrayList<>();
        int bestScore = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int id = allowed[i];
            int score = isEnd(ends, id) ? Integer.MIN_VALUE : Closing.score(pieces[id]);
            if (score < bestScore) {
                best.clear();
                bestScore = score;
            }
            if (score == bestScore) {
                best.add(id);
            }
        }
        return best.get(random.nextInt(best.size()));
    }
}
