package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testdata.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-level BPE against llama.cpp's tokenizer cases: every id of all 46 cases must match, per
 * vocabulary. Prints one summary line per vocabulary.
 */
class BytePairConformanceIT {

    @Test
    void qwen2CasesMatchWithQwen3TokenizerJson() {
        Tokenizer tokenizer = HuggingFaceTokenizers.load(TestData.file("qwen3-tokenizer/tokenizer.json"));
        assertAllCasesMatch(tokenizer, VocabTestCases.load("qwen2"));
    }

    static void assertAllCasesMatch(Tokenizer tokenizer, VocabTestCases cases) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            int[] actual = tokenizer.encode(cases.inputs().get(i), false);
            if (!Arrays.equals(actual, cases.expected().get(i))) {
                failures.add("case " + i + " " + quoted(cases.inputs().get(i)) + ": expected "
                        + Arrays.toString(cases.expected().get(i)) + " but got " + Arrays.toString(actual));
            }
        }
        System.out.printf("%-16s %2d/%d cases passed%s%n", cases.name(), cases.size() - failures.size(), cases.size(),
                failures.isEmpty() ? "" : ", FAILED: " + failures.size());
        assertThat(failures).as(cases.name()).isEmpty();
    }

    private static String quoted(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return "\"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
