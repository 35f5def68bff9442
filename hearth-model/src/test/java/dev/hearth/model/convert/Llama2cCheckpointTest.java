package dev.hearth.model.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synthetic checkpoints with dim=8, hidden_dim=12, n_layers=2, n_heads=4, n_kv_heads=2,
 * vocab_size=5, seq_len=3 (head size 2, kv_dim 4), whose k-th weight float has the value k.
 */
class Llama2cCheckpointTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("model.bin"), bytes);
    }

    private static float first(MemorySegment s) {
        return s.get(FLOAT, 0);
    }

    private static byte[] smallLegacy(boolean shared) {
        return Llama2cFiles.legacy(8, 12, 2, 4, 2, 5, 3, shared, Llama2cFiles.legacyFloats(8, 12, 2, 4, 2, 5, 3, shared));
    }

    @Test
    void legacyNegativeVocabSizeMeansASeparateClassifierAtTheEnd() throws IOException {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(write(smallLegacy(false)))) {
            assertThat(ckpt.format()).isEqualTo(Llama2cCheckpoint.Format.LEGACY);
            assertThat(ckpt.config()).isEqualTo(new Llama2cConfig(8, 12, 2, 4, 2, 5, 3, false));
            Llama2cWeights w = ckpt.weights();
            // floats: embeddings 0..39, rms_att 40..55, wq 56..183, wk 184..247, wv 248..311, wo 312..439,
            // rms_ffn 440..455, w1 456..647, w2 648..839, w3 840..1031, final norm 1032..1039,
            // RoPE tables 1040..1045 (skipped), classifier 1046..1085
            assertThat(first(w.tokenEmbeddings())).isEqualTo(0f);
            assertThat(w.tokenEmbeddings().byteSize()).isEqualTo(40 * 4);
            Llama2cWeights.Layer l1 = w.layers().get(1);
            assertThat(first(l1.attentionNorm())).isEqualTo(48f);
            assertThat(first(w.layers().get(0).wq())).isEqualTo(56f);
            assertThat(first(l1.wq())).isEqualTo(120f);
            assertThat(first(l1.wk())).isEqualTo(216f);
            assertThat(l1.wk().byteSize()).isEqualTo(32 * 4);
            assertThat(first(l1.wv())).isEqualTo(280f);
            assertThat(first(l1.wo())).isEqualTo(376f);
            assertThat(first(l1.ffnNorm())).isEqualTo(448f);
            assertThat(first(l1.w1())).isEqualTo(552f);
            assertThat(first(l1.w2())).isEqualTo(744f);
            assertThat(first(l1.w3())).isEqualTo(936f);
            assertThat(l1.w3().byteSize()).isEqualTo(96 * 4);
            assertThat(first(w.finalNorm())).isEqualTo(1032f);
            assertThat(w.classifier()).hasValueSatisfying(c -> {
                assertThat(first(c)).isEqualTo(1046f);
                assertThat(c.byteSize()).isEqualTo(40 * 4);
            });
        }
    }

    @Test
    void legacyPositiveVocabSizeSharesTheEmbeddingTable() throws IOException {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(write(smallLegacy(true)))) {
            assertThat(ckpt.config().sharedClassifier()).isTrue();
            assertThat(ckpt.weights().classifier()).isEmpty();
        }
    }

    @Test
    void version1PutsTheNormsFirstAndHasNoRopeTables() throws IOException {
        byte[] file = Llama2cFiles.version1(1, 8, 12, 2, 4, 2, 5, 3, 0, 1080);
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(write(file))) {
            assertThat(ckpt.format()).isEqualTo(Llama2cCheckpoint.Format.VERSION_1);
            assertThat(ckpt.config()).isEqualTo(new Llama2cConfig(8, 12, 2, 4, 2, 5, 3, false));
            Llama2cWeights w = ckpt.weights();
            // rms_att 0..15, rms_ffn 16..31, final norm 32..39, embeddings 40..79, wq 80..207, wk 208..271,
            // wv 272..335, wo 336..463, w1 464..655, w2 656..847, w3 848..1039, classifier 1040..1079
            assertThat(first(w.layers().get(1).attentionNorm())).isEqualTo(8f);
            assertThat(first(w.layers().get(0).ffnNorm())).isEqualTo(16f);
            assertThat(first(w.finalNorm())).isEqualTo(32f);
            assertThat(first(w.tokenEmbeddings())).isEqualTo(40f);
            assertThat(first(w.layers().get(1).wq())).isEqualTo(144f);
            assertThat(first(w.layers().get(1).w2())).isEqualTo(752f);
            assertThat(w.classifier().map(Llama2cCheckpointTest::first)).contains(1040f);
        }
    }

    @Test
    void version1SharedFlagDropsTheClassifier() throws IOException {
        byte[] file = Llama2cFiles.version1(1, 8, 12, 2, 4, 2, 5, 3, 1, 1040);
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(write(file))) {
            assertThat(ckpt.weights().classifier()).isEmpty();
        }
    }

    @Test
    void truncatedFileNamesTheArrayItEndsIn() throws IOException {
        byte[] full = smallLegacy(true);
        Path file = write(Arrays.copyOf(full, 28 + 4 * 200)); // ends inside wk (floats 184..247)
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessageStartingWith(file + ": at byte " + (28 + 4 * 184) + ", wk: the header (dim=8, hidden_dim=12,")
                .hasMessageContaining("declares a file of " + full.length + " bytes, but it has " + (28 + 4 * 200))
                .hasMessageContaining("truncated");
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path file = write(Arrays.copyOf(smallLegacy(true), smallLegacy(true).length + 4));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessageContaining("weights: the header")
                .hasMessageContaining(", 4 more");
    }

    @Test
    void fileShorterThanTheHeaderIsRejected() throws IOException {
        Path file = write(new byte[10]);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessage(file + ": at byte 0, header: the file has 10 bytes, too few for the 28-byte llama2.c header");
    }

    @Test
    void nonPositiveSizeNamesTheField() throws IOException {
        Path file = write(Llama2cFiles.legacy(8, 12, 0, 4, 2, 5, 3, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessage(file + ": at byte 8, n_layers: must be positive, found 0 (not a llama2.c checkpoint?)");
    }

    @Test
    void dimMustDivideIntoHeads() throws IOException {
        Path file = write(Llama2cFiles.legacy(10, 12, 2, 4, 2, 5, 3, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessage(file + ": at byte 12, n_heads: dim 10 is not divisible by n_heads 4");
    }

    @Test
    void headsMustDivideIntoKvHeads() throws IOException {
        Path file = write(Llama2cFiles.legacy(8, 12, 2, 4, 3, 5, 3, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessage(file + ": at byte 16, n_kv_heads: n_heads 4 is not divisible by n_kv_heads 3");
    }

    @Test
    void oddHeadSizeIsRejectedBecauseRopeRotatesPairs() throws IOException {
        Path file = write(Llama2cFiles.legacy(12, 12, 2, 4, 2, 5, 3, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file)).hasMessageContaining("head size dim / n_heads = 3 is odd");
    }

    @Test
    void vocabularyMustHoldTheThreeReservedIds() throws IOException {
        Path file = write(Llama2cFiles.legacy(8, 12, 2, 4, 2, 2, 3, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessageContaining("at byte 20, vocab_size: is 2, but llama2.c reserves ids 0, 1 and 2");
    }

    @Test
    void shapesThatOverflowAreRejectedNotWrapped() throws IOException {
        int big = Integer.MAX_VALUE;
        Path file = write(Llama2cFiles.legacy(1 << 30, big, big, 2, 2, big, big, true, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .isInstanceOf(Llama2cFormatException.class)
                .hasMessageContaining("need more than 2^63 bytes");
    }

    @Test
    void quantizedVersion2IsRefusedWithAHint() throws IOException {
        Path file = write(Llama2cFiles.version1(2, 8, 12, 2, 4, 2, 5, 3, 1, 0));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessage(file + ": at byte 4, version: version 2 (Q8_0-quantized) checkpoints are not supported;"
                        + " export with export.py --version 0 or 1");
    }

    @Test
    void version1SharedFlagMustBeZeroOrOne() throws IOException {
        Path file = write(Llama2cFiles.version1(1, 8, 12, 2, 4, 2, 5, 3, 7, 1040));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file))
                .hasMessage(file + ": at byte 36, shared_classifier: expected 0 or 1, found 7");
    }
}
