package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testdata.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte-level BPE against llama.cpp's tokenizer cases: every id of all 46 cases must match, per
 * vocabulary. Prints one summary line per vocabulary.
 */
class BytePairConformanceIT {

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "deepseek-llm", "deepseek-coder", "falcon", "mpt", "starcoder", "refact"})
    void encodesEveryCaseExactlyAsLlamaCppFromTheGguf(String name) {
        Tokenizer tokenizer = BytePairTokenizer.fromGguf(VocabTestCases.metadata(name));
        assertThat(tokenizer.kind()).isEqualTo("bpe");
        assertAllCasesMatch(name, tokenizer);
    }

    @Test
    void encodesEveryQwen2CaseExactlyFromQwen3TokenizerJson() {
        // same vocabulary, merges and pre-tokenizer as Qwen2 (see qwen3-tokenizer/README.md)
        assertAllCasesMatch("qwen2", HuggingFaceTokenizers.load(TestData.file("qwen3-tokenizer/tokenizer.json")));
    }

    private static void assertAllCasesMatch(String name, Tokenizer tokenizer) {
        List<VocabTestCases.Case> cases = VocabTestCases.read(name);
        List<String> failures = new ArrayList<>();
        for (VocabTestCases.Case c : cases) {
            int[] actual = tokenizer.encode(c.text(), SpecialTokenMode.USER_DEFINED);
            if (!Arrays.equals(actual, c.expected())) {
                failures.add(c + ": expected " + Arrays.toString(c.expected()) + " but got " + Arrays.toString(actual));
            }
        }
        System.out.printf("bpe %-15s %2d/%d cases passed%s%n", name, cases.size() - failures.size(), cases.size(),
                failures.isEmpty() ? "" : " — FAILED " + failures.size());
        assertThat(failures).as(name).isEmpty();
    }
}
