package dev.hearth.model.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast mask (trie walk, string-body tables, replays below closing quotes) against the slow
 * answer, token by token through {@link JsonConstraint#accepts}, along random generations over a
 * vocabulary made to split quotes, escapes and UTF-8 characters in awkward places.
 */
class TokenMaskerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PIECES = {"\"", "\\", "{", "}", "[", "]", ":", ",", " ", "\n", "a", "b", "id", "x",
        "1", "0", "9", ".", "e", "E", "-", "+", "u", "n", "t", "true", "null", "fals", "e", "s", "d", "00", "4", "é",
        "中", "😀", "\t", "/", "\\u00", "\\\"", "\\n", "\"x\"", "kind", "cat", "dog", "lives", "good"};

    static Stream<String> schemas() {
        return Stream.of(
                "true",
                "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"x\":{\"type\":\"string\",\"maxLength\":5},"
                        + "\"a\":{\"type\":\"number\"}},\"required\":[\"id\"],\"additionalProperties\":{\"type\":\"boolean\"}}",
                "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":30},\"minItems\":1,\"maxItems\":4}",
                "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"cat\"},\"lives\":{\"type\":\"integer\"}},"
                        + "\"required\":[\"kind\",\"lives\"]},{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"dog\"},"
                        + "\"good\":{\"type\":\"boolean\"}},\"required\":[\"kind\",\"good\"]},{\"enum\":[\"中\",1,10,null]}]}",
                "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\"}},\"required\":[\"n\"],\"additionalProperties\":false}",
                "{\"type\":\"number\"}");
    }

    private static ByteVocabulary vocabulary(Random random) {
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            ByteArrayOutputStream token = new ByteArrayOutputStream();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                token.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
            }
            byte[] bytes = token.toByteArray();
            int from = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : 0; // sometimes cut mid-character
            tokens.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        }
        return new ByteVocabulary(tokens);
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void theMaskAllowsExactlyTheTokensAcceptWouldTake(String schema) throws Exception {
        JsonGrammar grammar = JsonGrammar.fromSchema(JSON.readTree(schema));
        for (int seed = 0; seed < 12; seed++) {
            Random random = new Random(seed);
            ByteVocabulary vocabulary = vocabulary(random);
            JsonConstraint constraint = grammar.constrain(vocabulary.trie);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int step = 0; step < 400 && !constraint.complete(); step++) {
                float[] logits = new float[vocabulary.size()];
                constraint.mask(logits);
                List<Integer> allowed = new ArrayList<>();
                for (int id = 0; id < logits.length; id++) {
                    boolean masked = logits[id] != Float.NEGATIVE_INFINITY;
                    assertThat(masked).as("token %d after %s (seed %d)", id, text.toString(StandardCharsets.UTF_8), seed)
                            .isEqualTo(constraint.accepts(id));
                    if (masked) {
                        allowed.add(id);
                    }
                }
                assertThat(allowed).as("something allowed after %s", text.toString(StandardCharsets.UTF_8)).isNotEmpty();
                int token = choose(allowed, vocabulary, random, step > 40);
                constraint.accept(token);
                if (token != vocabulary.end) {
                    text.writeBytes(vocabulary.tokens.get(token));
                }
            }
            assertThat(constraint.complete()).as("finished: %s", text.toString(StandardCharsets.UTF_8)).isTrue();
            JSON.readTree(text.toByteArray()); // parses
        }
    }

    /** Random at first; later, tokens that close things, so the generation ends. */
    static int choose(List<Integer> allowed, ByteVocabulary vocabulary, Random random, boolean finishing) {
        if (finishing) {
            if (allowed.contains(vocabulary.end)) {
                return vocabulary.end;
            }
            List<Integer> best = new ArrayList<>();
            int bestScore = Integer.MAX_VALUE;
            for (int id : allowed) {
                int score = Closing.score(vocabulary.tokens.get(id));
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
        return allowed.get(random.nextInt(allowed.size()));
    }
}
