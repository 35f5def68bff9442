package dev.hearth.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.testdata.TestData;

/**
 * llama.cpp's tokenizer conformance cases in {@code ../shared/testdata/llama-vocab}: for a
 * vocabulary NAME, {@code ggml-vocab-NAME.gguf.inp} holds the inputs, each followed by the
 * separator line, and {@code ggml-vocab-NAME.gguf.out} one line of expected ids per input.
 */
final class VocabTestCases {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    /** One input and the ids the model's reference tokenizer gives it (no BOS/EOS added). */
    record Case(int index, String text, int[] expected) {
        @Override
        public String toString() {
            String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            return "#" + index + " " + shown.replace("\n", "\\n").replace("\t", "\\t");
        }
    }

    private VocabTestCases() {}

    /** The metadata of the vocab-only GGUF file of vocabulary {@code name}, e.g. {@code llama-spm}. */
    static GgufMetadata metadata(String name) {
        try (GgufFile file = GgufFile.open(TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf"))) {
            return file.metadata(); // parsed onto the heap: stays valid after the file closes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cases of vocabulary {@code name}, in file order. */
    static List<Case> read(String name) {
        String inputs = readString(TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf.inp"));
        String outputs = readString(TestData.file("llama-vocab/ggml-vocab-" + name + ".gguf.out"));
        List<String> texts = new ArrayList<>(Arrays.asList(inputs.split(SEPARATOR, -1)));
        if (texts.getLast().isEmpty()) {
            texts.removeLast(); // every input, the last included, is followed by the separator
        }
        List<String> lines = new ArrayList<>(Arrays.asList(outputs.split("\n", -1)));
        if (lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        if (texts.size() != lines.size()) {
            throw new AssertionError(name + ": " + texts.size() + " inputs but " + lines.size() + " output lines");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = lines.get(i).trim();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(i, texts.get(i), ids));
        }
        return cases;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
