package dev.hearth.model.constrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A measuring main, not a test: how long {@link TokenConstraint#mask} takes on a real vocabulary
 * (default: Qwen3's 151k tokens) at typical points of a JSON output, first call (which may build a
 * string-body table) and average over many. Timings depend on the machine and its load. Run with
 * {@code java -cp <test classpath> dev.hearth.model.constrain.MaskSpeed [tokenizer.json|vocab.gguf] [calls]}.
 */
final class MaskSpeed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int tokenOfBytes(Tokenizer tokenizer, byte[] bytes) {
        for (int id = 0; id < tokenizer.vocabulary().size(); id++) {
            if (Arrays.equals(tokenizer.tokenBytes(id, false, false), bytes)) {
                return id;
            }
        }
        throw new IllegalArgumentException("no token of bytes " + Arrays.toString(bytes));
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "../shared/testdata/qwen3-tokenizer/tokenizer.json");
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Tokenizer tokenizer = Tokenizers.open(file);
        long t0 = System.nanoTime();
        TokenTrie trie = TokenTrie.of(tokenizer);
        System.out.printf("%s: %d tokens, trie of %d nodes, longest token %d bytes, indexed in %.0f ms%n",
                file.getFileName(), trie.vocabularySize, trie.nodes, trie.maxTokenBytes, (System.nanoTime() - t0) / 1e6);

        JsonGrammar any = JsonGrammar.anyObject();
        JsonGrammar person = JsonGrammar.fromSchema(JSON.readTree("""
                {"type": "object", "properties": {"name": {"type": "string"}, "code": {"type": "string", "maxLength": 12},
                  "age": {"type": "integer"}, "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}},
                  "pet": {"anyOf": [{"type": "object", "properties": {"kind": {"const": "cat"}}, "required": ["kind"]},
                                    {"type": "object", "properties": {"kind": {"const": "dog"}}, "required": ["kind"]}]}},
                 "required": ["name", "code", "age", "tags", "pet"], "additionalProperties": false}"""));
        String[][] points = {
            {"json_object", "", "start of output"},
            {"json_object", "{", "after {: a key or }"},
            {"json_object", "{\"greeting\": \"Hello wor", "inside a string"},
            {"json_object", "{\"greeting\": \"你好", "inside a string after Chinese"},
            {"json_object", "{\"greeting\": \"\u00E4", "inside a string, mid-character"},
            {"json_object", "{\"a\": 1, \"ke", "inside a free-form key"},
            {"json_object", "{\"a\": \"x\"", "after a value: , or }"},
            {"json_object", "{\"a\": 12", "inside a number"},
            {"json_object", "{\"a\": [true, ", "array item start"},
            {"schema", "{", "schema: after { (declared key)"},
            {"schema", "{\"name\": \"Ada Lovel", "schema: inside a string"},
            {"schema", "{\"name\": \"Ada\", \"code\": \"AB12", "schema: maxLength 12, 4 used"},
            {"schema", "{\"name\": \"Ada\", \"code\": \"AB12\", \"age\"", "schema: after a key"},
            {"schema", "{\"name\": \"Ada\", \"code\": \"AB12\", \"age\": 36, \"tags\": [", "schema: enum item"},
            {"schema", "{\"name\": \"Ada\", \"code\": \"AB12\", \"age\": 36, \"tags\": [], \"pet\": {\"kind\": ", "schema: anyOf, two threads"},
        };
        float[] logits = new float[trie.vocabularySize];
        for (String[] point : points) {
            JsonGrammar grammar = point[0].equals("schema") ? person : any;
            TokenConstraint constraint = grammar.constrain(tokenizer);
            String text = point[1];
            boolean split = text.endsWith("\u00E4"); // stands for the lead byte of a three-byte character
            for (int id : tokenizer.encode(split ? text.substring(0, text.length() - 1) : text, SpecialTokenMode.NONE)) {
                constraint.accept(id);
            }
            if (split) {
                constraint.accept(tokenOfBytes(tokenizer, new byte[] {(byte) 0xE4}));
            }
            Arrays.fill(logits, 0f);
            long first = System.nanoTime();
            constraint.mask(logits);
            first = System.nanoTime() - first;
            int allowed = 0;
            for (float l : logits) {
                allowed += l == Float.NEGATIVE_INFINITY ? 0 : 1;
            }
            for (int i = 0; i < calls; i++) { // warm-up
                constraint.mask(logits);
            }
            long[] times = new long[calls];
            for (int i = 0; i < calls; i++) {
                Arrays.fill(logits, 0f); // as the model's fresh logits
                long t = System.nanoTime();
                constraint.mask(logits);
                times[i] = System.nanoTime() - t;
            }
            Arrays.sort(times);
            double mean = Arrays.stream(times).average().orElse(0) / 1e6;
            System.out.printf("%-34s first %7.2f ms  mean %6.3f ms  median %6.3f ms  p90 %6.3f ms  %6d allowed%n",
                    point[2], first / 1e6, mean, times[calls / 2] / 1e6, times[calls * 9 / 10] / 1e6, allowed);
        }
    }
}
