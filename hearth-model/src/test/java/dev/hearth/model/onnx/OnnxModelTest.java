package dev.hearth.model.onnx;

import dev.hearth.model.convert.BgeSmallZh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ONNX reader on protobuf bytes built by hand, and on bge-small-zh-v1.5's file. */
class OnnxModelTest {
    @TempDir
    Path dir;

    /** Protobuf encoding, just enough to build test files. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toBytes());
        }

        Proto fixed32(int field, float value) {
            tag(field, 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            raw((long) field << 3 | wireType);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** A graph of one MatMul over a [2, 3] raw initializer and a Constant node holding int64 8. */
    private static byte[] smallModel() {
        Proto weight = new Proto().varint(1, 2).varint(1, 3).varint(2, OnnxTensor.FLOAT).string(8, "w")
                .bytes(9, floats(1, 2, 3, 4, 5, 6));
        Proto eight = new Proto().varint(2, OnnxTensor.INT64).varint(7, 8).string(8, "value");
        Proto constant = new Proto().string(2, "heads").string(4, "Constant")
                .message(5, new Proto().string(1, "value").message(5, eight).varint(20, 4));
        Proto matMul = new Proto().string(1, "x").string(1, "w").string(2, "y").string(3, "mm").string(4, "MatMul")
                .message(5, new Proto().string(1, "alpha").fixed32(2, 0.5f));
        Proto graph = new Proto().message(1, constant).message(1, matMul).string(2, "g").message(5, weight)
                .varint(99, 12345);                                  // an unknown field, skipped
        return new Proto().varint(1, 8).string(2, "test").message(7, graph).string(14, "doc").toBytes();
    }

    private OnnxModel read(byte[] bytes) throws IOException {
        return OnnxModel.read(new ByteArrayInputStream(bytes), bytes.length, "test.onnx");
    }

    @Test
    void readsInitializersNodesAndAttributesSkippingUnknownFields() throws IOException {
        try (OnnxModel model = read(smallModel())) {
            OnnxTensor w = model.initializer("w").orElseThrow();
            assertThat(w.dims()).containsExactly(2L, 3L);
            assertThat(w.floats()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(model.nodes()).extracting(OnnxNode::opType).containsExactly("Constant", "MatMul");
            OnnxNode matMul = model.producer("y").orElseThrow();
            assertThat(matMul.inputs()).containsExactly("x", "w");
            assertThat(matMul.attribute("alpha").orElseThrow().f()).isEqualTo(0.5f);
            assertThat(model.consumers("w")).containsExactly(matMul);
            assertThat(model.constant("heads").orElseThrow().longs()).containsExactly(8L);
        }
    }

    @Test
    void readsAMappedFileAsAStream() throws IOException {
        Path file = dir.resolve("small.onnx");
        Files.write(file, smallModel());
        try (OnnxModel model = OnnxModel.open(file)) {
            assertThat(model.initializer("w").orElseThrow().floatAt(5)).isEqualTo(6f);
            assertThat(model.source()).isEqualTo(file.toString());
        }
    }

    @Test
    void everyTruncationIsAFormatErrorWithItsOffset() {
        byte[] whole = smallModel();
        int graphEnd = whole.length - 5; // protobuf cannot tell a cut after the graph: "doc" (5 bytes) is optional
        for (int length = 1; length < graphEnd; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> read(cut).close()).as("cut at %d", length)
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageStartingWith("test.onnx: ");
        }
        byte[] cut = Arrays.copyOf(whole, graphEnd - 3);
        assertThatThrownBy(() -> read(cut))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("at byte ")
                .hasMessageContaining("truncated")
                .satisfies(e -> assertThat(((OnnxFormatException) e).offset()).isBetween(0L, (long) cut.length));
    }

    @Test
    void aStreamShorterThanAnnouncedIsNamed() {
        byte[] whole = smallModel();
        assertThatThrownBy(() -> OnnxModel.read(new ByteArrayInputStream(whole), whole.length + 10, "short.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("short.onnx: at byte " + whole.length)
                .hasMessageContaining("the stream ended after " + whole.length + " of the " + (whole.length + 10));
    }

    @Test
    void aKnownFieldOfTheWrongWireTypeIsNamed() {
        byte[] bytes = new Proto().message(7, new Proto().message(5,
                new Proto().string(8, "w").string(2, "float"))).toBytes(); // data_type as a string
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("TensorProto.data_type")
                .hasMessageContaining("expected wire type 0 (varint), found 2 (length-delimited)")
                .hasMessageContaining("at byte 7");
    }

    @Test
    void rawDataOfTheWrongSizeIsNamed() {
        byte[] bytes = new Proto().message(7, new Proto().message(5, new Proto().varint(1, 4)
                .varint(2, OnnxTensor.FLOAT).string(8, "bias").bytes(9, floats(1, 2, 3)))).toBytes();
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("tensor 'bias' [4] of type 1 needs 16 bytes, raw_data has 12");
    }

    @Test
    void aFileWithoutAGraphIsNotAModel() {
        byte[] bytes = new Proto().varint(1, 8).string(2, "pytorch").toBytes();
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("ModelProto.graph: missing");
    }

    @Test
    void readsBgeSmallZh() throws IOException {
        try (OnnxModel model = BgeSmallZh.onnx()) {
            assertThat(model.initializers()).hasSize(69);
            assertThat(model.nodes()).hasSize(436);
            assertThat(model.initializer("embeddings.word_embeddings.weight").orElseThrow().dims())
                    .containsExactly(21128L, 512L);
            assertThat(model.nodes().stream().filter(n -> n.opType().equals("Erf"))).hasSize(4);
        }
    }
}
