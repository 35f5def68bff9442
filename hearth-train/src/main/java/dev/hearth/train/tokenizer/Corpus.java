package dev.hearth.train.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The text a tokenizer is trained on: UTF-8 text files, folders of them, and JSON Lines files
 * ({@code .jsonl}) whose every line is an object with a string field {@code text}. Files are read
 * a block at a time, so a corpus may be far larger than memory.
 */
public final class Corpus {
    /** The files a folder contributes, by their name's ending. */
    private static final List<String> FOLDER_FILE_TYPES = List.of(".txt", ".md", ".jsonl");
    private static final int BLOCK_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final List<Path> files;

    private Corpus(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /**
     * The corpus of {@code inputs}: a file as named, whatever its type; a folder for every
     * {@code .txt}, {@code .md} and {@code .jsonl} file below it, in path order. A file named twice
     * is read once.
     *
     * @throws IllegalArgumentException if {@code inputs} is empty
     * @throws NoSuchFileException for an input that does not exist
     * @throws IOException if a folder holds none of those files or cannot be listed
     */
    public static Corpus of(List<Path> inputs) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs at least one file or folder");
        }
        Set<Path> files = new LinkedHashSet<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                List<Path> found;
                try (Stream<Path> below = Files.walk(input)) {
                    found = below.filter(Files::isRegularFile).filter(Corpus::isCorpusFileType).sorted().toList();
                }
                if (found.isEmpty()) {
                    throw new IOException(input + ": a folder without " + String.join(", ", FOLDER_FILE_TYPES)
                            + " files to train on");
                }
                found.forEach(f -> files.add(f.toAbsolutePath().normalize()));
            } else if (Files.exists(input)) {
                files.add(input.toAbsolutePath().normalize());
            } else {
                throw new NoSuchFileException(input.toString());
            }
        }
        return new Corpus(new ArrayList<>(files));
    }

    private static boolean isCorpusFileType(Path file) {
        String name = file.getFileName().toString();
        return FOLDER_FILE_TYPES.stream().anyMatch(name::endsWith);
    }

    /** The files, absolute, in the order they are read. */
    public List<Path> files() {
        return files;
    }

    /**
     * Reads one file, handing its text to {@code texts} a piece at a time: a {@code .jsonl} file
     * one line's {@code text} at a time, any other file in blocks of about a MiB, each cut after a
     * line break that is followed by a letter or digit (where the pre-tokenizer always cuts too;
     * a file without one is handed over whole). A byte order mark at the start is dropped.
     *
     * @throws IOException naming the file and the byte offset where it stops being UTF-8, or the
     *     line of a {@code .jsonl} file that is not an object with a string {@code text}
     */
    public static void read(Path file, Consumer<String> texts) throws IOException {
        if (file.getFileName().toString().endsWith(".jsonl")) {
            readJsonLines(file, texts);
        } else {
            readText(file, texts);
        }
    }

    private static void readText(Path file, Consumer<String> texts) throws IOException {
        StringBuilder pending = new StringBuilder();
        decode(file, chars -> {
            int searchFrom = Math.max(0, pending.length() - 1); // the text before has no cut
            pending.append(chars);
            int cut = lastSafeCut(pending, searchFrom);
            if (cut > 0) {
                texts.accept(pending.substring(0, cut));
                pending.delete(0, cut);
            }
        });
        if (!pending.isEmpty()) {
            texts.accept(pending.toString());
        }
    }

    /**
     * The end of the last line break at or after {@code from} that is followed by a letter or
     * digit, or 0. No word of the Qwen2 pre-tokenizer holds both: a letter run may start with one
     * other character but not a line break, and a run of whitespace or punctuation holds no letter
     * or digit.
     */
    private static int lastSafeCut(StringBuilder text, int from) {
        for (int i = text.length() - 2; i >= from; i--) {
            if (text.charAt(i) == '\n' && Character.isLetterOrDigit(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        return 0;
    }

    private static void readJsonLines(Path file, Consumer<String> texts) throws IOException {
        StringBuilder pending = new StringBuilder();
        int[] line = {0};
        decode(file, chars -> {
            int searchFrom = pending.length(); // the text before holds no line break
            pending.append(chars);
            int start = 0;
            for (int end = pending.indexOf("\n", searchFrom); end >= 0; end = pending.indexOf("\n", start)) {
                readJsonLine(file, ++line[0], pending.substring(start, end), texts);
                start = end + 1;
            }
            pending.delete(0, start);
        });
        readJsonLine(file, ++line[0], pending.toString(), texts);
    }

    /** Hands over the {@code text} of one line; a blank line has none. */
    private static void readJsonLine(Path file, int lineNumber, String line, Consumer<String> texts) throws IOException {
        if (line.isBlank()) {
            return;
        }
        JsonNode object;
        try {
            object = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": line " + lineNumber + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode text = object.path("text");
        if (!text.isTextual()) {
            String found = !object.isObject() ? "a JSON " + typeName(object)
                    : text.isMissingNode() ? "an object without it"
                    : "an object whose \"text\" is a " + typeName(text);
            throw new IOException(file + ": line " + lineNumber + ": expected a JSON object with a string field \"text\","
                    + " found " + found);
        }
        texts.accept(text.asText());
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /** Something that takes decoded text and may fail. */
    private interface CharsSink {
        void accept(CharSequence chars) throws IOException;
    }

    /** Decodes {@code file} as UTF-8 a block at a time, failing at the first byte that is not UTF-8. */
    private static void decode(Path file, CharsSink sink) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        ByteBuffer bytes = ByteBuffer.allocate(BLOCK_BYTES);
        CharBuffer chars = CharBuffer.allocate(BLOCK_BYTES); // UTF-8 never gives more chars than bytes
        long decoded = 0; // bytes before the start of the buffer
        boolean first = true;
        try (SeekableByteChannel in = Files.newByteChannel(file)) {
            boolean end = false;
            while (!end) {
                end = in.read(bytes) < 0;
                bytes.flip();
                CoderResult result = decoder.decode(bytes, chars, end);
                if (result.isError()) {
                    throw new IOException(file + ": not UTF-8 at byte " + (decoded + bytes.position())
                            + " (expected UTF-8 text)");
                }
                decoded += bytes.position();
                bytes.compact();
                chars.flip();
                if (first && chars.hasRemaining()) {
                    if (chars.charAt(0) == '\uFEFF') {
                        chars.get();
                    }
                    first = false;
                }
                sink.accept(chars);
                chars.clear();
            }
        }
    }
}
