package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * llama.cpp's tokenizer test suites: for each of the eleven vocabularies, all 46 cases must give
 * exactly the reference ids (encoded as llama.cpp's test does: no BOS/EOS, special tokens not
 * parsed). The tokenizer is built the way users get it, through {@link Tokenizers#open}. Prints
 * a line per vocabulary and one summary line.
 */
class TokenizerConformanceIT {
    private static final AtomicInteger VOCABULARIES = new AtomicInteger();
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
        "llama-spm,      spm, llama-vocab/ggml-vocab-llama-spm.gguf",
        "phi-3,          spm, llama-vocab/ggml-vocab-phi-3.gguf",
        "gpt-2,          bpe, llama-vocab/ggml-vocab-gpt-2.gguf",
        "deepseek-llm,   bpe, llama-vocab/ggml-vocab-deepseek-llm.gguf",
        "deepseek-coder, bpe, llama-vocab/ggml-vocab-deepseek-coder.gguf",
        "falcon,         bpe, llama-vocab/ggml-vocab-falcon.gguf",
        "mpt,            bpe, llama-vocab/ggml-vocab-mpt.gguf",
        "starcoder,      bpe, llama-vocab/ggml-vocab-starcoder.gguf",
        "refact,         bpe, llama-vocab/ggml-vocab-refact.gguf",
        "qwen2,          bpe, qwen3-tokenizer/tokenizer.json",
        "bert-bge,       wpm, llama-vocab/ggml-vocab-bert-bge.gguf",
    })
    void encodesEveryCaseExactlyAsLlamaCpp(String name, String kind, String source) throws IOException {
        Path file = TestData.file(source);
        Tokenizer tokenizer = Tokenizers.open(file);
        assertThat(tokenizer.kind()).isEqualTo(kind);

        List<VocabTestCases.Case> cases = VocabTestCases.read(name);
        List<String> failures = new ArrayList<>();
        for (VocabTestCases.Case c : cases) {
            int[] actual = tokenizer.encode(c.text(), SpecialTokenMode.USER_DEFINED);
            if (!Arrays.equals(actual, c.expected())) {
                failures.add(c + ": expected " + Arrays.toString(c.expected()) + " but got " + Arrays.toString(actual));
            }
        }
        VOCABULARIES.incrementAndGet();
        CASES.addAndGet(cases.size());
        FAILURES.addAndGet(failures.size());
        System.out.printf("tokenizer conformance: %-15s %s %2d/%d cases%s%n", name, kind,
                cases.size() - failures.size(), cases.size(), failures.isEmpty() ? "" : " — FAILED " + failures);
        assertThat(cases).hasSize(46);
        assertThat(failures).as(name).isEmpty();
    }

    @AfterAll
    static void printSummary() {
        System.out.printf("tokenizer conformance: %d vocabularies, %d cases, %d failures%n",
                VOCABULARIES.get(), CASES.get(), FAILURES.get());
    }
}
