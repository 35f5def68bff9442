package dev.hearth.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cTokenizerFileTest {
    private static final List<String> PIECES = List.of("<unk>", "\n<s>\n", "\n</s>\n", "<0x0A>", " t", "he", " the", "<0x0g>");
    private static final float[] SCORES = {0, 0, 0, 0, -1, -2, -3, -4};

    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("tok.bin"), bytes);
    }

    @Test
    void readsEveryTokenToTheEndOfTheFile() throws IOException {
        Llama2cTokenizerFile tok = Llama2cTokenizerFile.read(write(Llama2cFiles.tokenizer(7, PIECES, SCORES)));
        assertThat(tok.maxTokenLength()).isEqualTo(7);
        assertThat(tok.pieces()).isEqualTo(PIECES);
        assertThat(tok.scores()).containsExactly(SCORES);
    }

    @Test
    void vocabularyFollowsGgufSentencePieceConventions() throws IOException {
        Vocabulary v = Llama2cTokenizerFile.read(write(Llama2cFiles.tokenizer(7, PIECES, SCORES))).toVocabulary();
        assertThat(v.tokens()).containsExactly("<unk>", "<s>", "</s>", "<0x0A>", "▁t", "he", "▁the", "<0x0g>");
        assertThat(List.of(v.type(0), v.type(1), v.type(2), v.type(3), v.type(4), v.type(7))).containsExactly(
                TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.BYTE, TokenType.NORMAL, TokenType.NORMAL);
        assertThat(v.score(6)).isEqualTo(-3f);
    }

    @Test
    void pieceLongerThanMaxTokenLengthIsRejected() throws IOException {
        Path file = write(Llama2cFiles.tokenizer(5, PIECES, SCORES));
        // "\n<s>\n" (5 bytes) fits; "\n</s>\n" (6 bytes), token 2, does not
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessage(file + ": at byte " + (4 + 8 + 5 + 8 + 5 + 4) + ", token 2: piece length 6 is outside 0..5 (max_token_length)");
    }

    @Test
    void negativePieceLengthIsRejected() throws IOException {
        byte[] bytes = Llama2cFiles.tokenizer(7, List.of("<unk>"), new float[] {0});
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -3);
        Path file = write(bytes);
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file)).hasMessageContaining("token 0: piece length -3 is outside 0..7");
    }

    @Test
    void truncatedPieceIsRejected() throws IOException {
        byte[] bytes = Llama2cFiles.tokenizer(7, PIECES, SCORES);
        Path file = write(Arrays.copyOf(bytes, bytes.length - 2));
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file))
                .hasMessageContaining("token 7: the piece's 6 bytes run past the end of the file, which has 4 left (truncated file?)");
    }

    @Test
    void fileEndingInsideAScoreIsRejected() throws IOException {
        byte[] bytes = Llama2cFiles.tokenizer(7, PIECES, SCORES);
        Path file = write(Arrays.copyOf(bytes, bytes.length + 3));
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file))
                .hasMessageContaining("token 8: the file ends inside the score and length of the token");
    }

    @Test
    void nonPositiveMaxTokenLengthIsRejected() throws IOException {
        Path file = write(Llama2cFiles.tokenizer(0, List.of(), new float[0]));
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file))
                .hasMessage(file + ": at byte 0, max_token_length: must be positive, found 0 (not a llama2.c tokenizer?)");
    }

    @Test
    void pieceThatIsNotUtf8IsRejected() throws IOException {
        byte[] bytes = Llama2cFiles.tokenizer(7, List.of("ab"), new float[] {0});
        bytes[12] = (byte) 0xC3; // a lead byte followed by 'b'
        Path file = write(bytes);
        assertThatThrownBy(() -> Llama2cTokenizerFile.read(file)).hasMessageContaining("token 0: the piece is not valid UTF-8");
    }
}
