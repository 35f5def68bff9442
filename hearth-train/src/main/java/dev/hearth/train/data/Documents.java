package dev.hearth.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The documents of a training corpus, streamed: text files ({@code .txt}, {@code .md}, any file
 * named explicitly) are one document each, read in pieces of about {@value #PIECE_CHARS}
 * characters cut at line ends; {@code .jsonl} files are one document per line, an object with a
 * {@code text} field. Which files a list of inputs means is {@link dev.hearth.train.tokenizer.Corpus}'s
 * business.
 */
public final class Documents {
    private static final int PIECE_CHARS = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives a document's text in pieces; {@link #endDocument} after its last one. */
    public interface Sink {
        void text(String piece);

        void endDocument();
    }

    private Documents() {}

    /**
     * Streams every document of {@code file} into {@code sink}; a JSONL line that is not an object
     * with a string {@code text} goes to {@code badLine}, which throws it to stop or keeps it to skip.
     */
    public static void read(Path file, Sink sink, Consumer<TrainingDataException> badLine) {
        boolean jsonl = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl");
        long line = 0;
        try (BufferedReader reader = strictUtf8(file)) {
            StringBuilder piece = new StringBuilder();
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (jsonl) {
                    if (!text.isBlank()) {
                        String document;
                        try {
                            document = jsonText(file, line, text);
                        } catch (TrainingDataException e) {
                            badLine.accept(e);
                            continue;
                        }
                        sink.text(document);
                        sink.endDocument();
                    }
                    continue;
                }
                piece.append(text).append('\n');
                if (piece.length() >= PIECE_CHARS) {
                    sink.text(piece.toString());
                    piece.setLength(0);
                }
            }
            if (!jsonl) {
                if (!piece.isEmpty()) {
                    sink.text(piece.toString());
                }
                sink.endDocument();
            }
        } catch (CharacterCodingException e) {
            throw new TrainingDataException(file, line + 1, "not valid UTF-8 text");
        } catch (IOException e) {
            throw new TrainingDataException(file, 0, "cannot be read: " + e.getMessage());
        }
    }

    /** Each non-blank JSONL line's text and number, for readers of other fields (chat {@code messages}). */
    public static void readJsonLines(Path file, LineConsumer consumer) {
        long line = 0;
        try (BufferedReader reader = strictUtf8(file)) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (!text.isBlank()) {
                    consumer.accept(line, text);
                }
            }
        } catch (CharacterCodingException e) {
            throw new TrainingDataException(file, line + 1, "not valid UTF-8 text");
        } catch (IOException e) {
            throw new TrainingDataException(file, 0, "cannot be read: " + e.getMessage());
        }
    }

    /** A JSONL line's number and text. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(long line, String text);
    }

    private static String jsonText(Path file, long line, String text) {
        JsonNode node = parse(file, line, text);
        JsonNode field = node.get("text");
        if (field == null || !field.isTextual()) {
            throw new TrainingDataException(file, line, "expected an object with a string field \"text\"");
        }
        return field.asText();
    }

    /** Line {@code line} of {@code file} as a JSON object; anything else is an error naming both. */
    public static JsonNode parse(Path file, long line, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new TrainingDataException(file, line, "expected a JSON object on each line");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TrainingDataException(file, line, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static BufferedReader strictUtf8(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    /** A sink from two callbacks. */
    public static Sink sink(Consumer<String> text, Runnable endDocument) {
        return new Sink() {
            @Override
            public void text(String piece) {
                text.accept(piece);
            }

            @Override
            public void endDocument() {
                endDocument.run();
            }
        };
    }
}
