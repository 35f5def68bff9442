package dev.hearth.model.convert;

import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}): an int32
 * {@code max_token_length}, then per token a float32 score, an int32 byte length and the UTF-8
 * piece. The file does not store how many tokens it holds; {@link #read} reads to the end and the
 * caller compares the count with the checkpoint's {@code vocab_size}.
 *
 * @param pieces the pieces as llama2.c stores them (SentencePiece's {@code ▁} written as a space)
 * @param scores merge priorities, one per piece
 */
record Llama2cTokenizerFile(int maxTokenLength, List<String> pieces, float[] scores) {
    // llama2.c hard-codes these ids in run.c
    static final int UNKNOWN_ID = 0;
    static final int BOS_ID = 1;
    static final int EOS_ID = 2;

    private static final ValueLayout.OfInt INT32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-F]{2}>");

    Llama2cTokenizerFile {
        pieces = List.copyOf(pieces);
        scores = scores.clone();
    }

    /**
     * Reads every token of the file.
     *
     * @throws Llama2cFormatException for a bad {@code max_token_length}, a piece length that is
     *     negative, above {@code max_token_length} or past the end of the file, or a piece that is not UTF-8
     * @throws IOException if the file cannot be read
     */
    static Llama2cTokenizerFile read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, expected a llama2.c tokenizer (.bin)");
        }
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Integer.BYTES) {
                throw new Llama2cFormatException(path, "max_token_length", 0,
                        "the file has " + size + " bytes, too few for a llama2.c tokenizer");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            int maxTokenLength = file.get(INT32, 0);
            if (maxTokenLength <= 0) {
                throw new Llama2cFormatException(path, "max_token_length", 0,
                        "must be positive, found " + maxTokenLength + " (not a llama2.c tokenizer?)");
            }
            List<String> pieces = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            long at = Integer.BYTES;
            while (at < size) {
                String field = "token " + pieces.size();
                if (size - at < 2L * Integer.BYTES) {
                    throw new Llama2cFormatException(path, field, at, "the file ends inside the score and length"
                            + " of the token (truncated file?)");
                }
                float score = file.get(FLOAT32, at);
                int length = file.get(INT32, at + 4);
                at += 8;
                if (length < 0 || length > maxTokenLength) {
                    throw new Llama2cFormatException(path, field, at - 4, "piece length " + length
                            + " is outside 0.." + maxTokenLength + " (max_token_length)");
                }
                if (size - at < length) {
                    throw new Llama2cFormatException(path, field, at, "the piece's " + length + " bytes run past the end"
                            + " of the file, which has " + (size - at) + " left (truncated file?)");
                }
                pieces.add(utf8(path, field, at, file.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE)));
                scores.add(score);
                at += length;
            }
            float[] scoreArray = new float[scores.size()];
            for (int i = 0; i < scoreArray.length; i++) {
                scoreArray[i] = scores.get(i);
            }
            return new Llama2cTokenizerFile(maxTokenLength, pieces, scoreArray);
        }
    }

    /**
     * The token table in the conventions of a GGUF {@code llama} (SentencePiece) vocabulary, as
     * llama.cpp's own llama2.c converter writes it: spaces back to {@code ▁}; ids 0, 1, 2 as
     * {@code <unk>} (UNKNOWN), {@code <s>} and {@code </s>} (CONTROL) instead of llama2.c's
     * printable {@code "\n<s>\n"} and {@code "\n</s>\n"}; {@code <0xNN>} pieces as BYTE; the rest NORMAL.
     */
    Vocabulary toVocabulary() {
        List<String> tokens = new ArrayList<>(pieces.size());
        TokenType[] types = new TokenType[pieces.size()];
        for (int id = 0; id < pieces.size(); id++) {
            String piece = pieces.get(id);
            if (id == UNKNOWN_ID) {
                tokens.add("<unk>");
                types[id] = TokenType.UNKNOWN;
            } else if (id == BOS_ID || id == EOS_ID) {
                tokens.add(id == BOS_ID ? "<s>" : "</s>");
                types[id] = TokenType.CONTROL;
            } else if (BYTE_PIECE.matcher(piece).matches()) {
                tokens.add(piece);
                types[id] = TokenType.BYTE;
            } else {
                tokens.add(piece.replace(' ', '\u2581'));
                types[id] = TokenType.NORMAL;
            }
        }
        return new Vocabulary(tokens, scores, types);
    }

    private static String utf8(Path path, String field, long at, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Llama2cFormatException(path, field, at, "the piece is not valid UTF-8 (not a llama2.c tokenizer?)");
        }
    }
}
