package dev.hearth.model.tokenizer;

import dev.hearth.testdata.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer cases ({@code llama-vocab/ggml-vocab-NAME.gguf.inp} and {@code .out}): the
 * input texts and the ids the reference tokenizer gives them (no BOS/EOS, specials as text).
 */
record VocabTestCases(String name, List<String> inputs, List<int[]> expected) {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    static VocabTestCases load(String name) {
        String base = "llama-vocab/ggml-vocab-" + name + ".gguf";
        try {
            String inp = Files.readString(TestData.file(base + ".inp"), StandardCharsets.UTF_8);
            List<String> inputs = new ArrayList<>(Arrays.asList(inp.split(SEPARATOR, -1)));
            inputs.removeLast(); // every case ends with the separator, so the last element is empty
            List<int[]> expected = Files.readAllLines(TestData.file(base + ".out"), StandardCharsets.UTF_8).stream()
                    .map(String::trim)
                    .map(line -> line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray())
                    .toList();
            if (inputs.size() != expected.size()) {
                throw new AssertionError(base + ": " + inputs.size() + " inputs but " + expected.size() + " expected lines");
            }
            return new VocabTestCases(name, inputs, expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return inputs.size();
    }
}
