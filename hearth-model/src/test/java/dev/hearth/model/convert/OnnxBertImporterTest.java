package dev.hearth.model.convert;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.onnx.OnnxModel;
import dev.hearth.model.onnx.OnnxTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bge-small-zh-v1.5's ONNX file and tokenizer.json into llama.cpp's bert GGUF layout. */
class OnnxBertImporterTest {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void writesBgeHyperparametersReadFromTheWeightsAndTheGraph() throws IOException {
        try (GgufFile gguf = GgufFile.open(BgeSmallZh.gguf())) {
            GgufMetadata md = gguf.metadata();
            assertThat(md.getString("general.architecture")).isEqualTo("bert");
            assertThat(md.getString("general.name")).isEqualTo("bge-small-zh-v1.5");
            assertThat(md.getInt("bert.context_length")).isEqualTo(512);
            assertThat(md.getInt("bert.embedding_length")).isEqualTo(512);
            assertThat(md.getInt("bert.feed_forward_length")).isEqualTo(2048);
            assertThat(md.getInt("bert.block_count")).isEqualTo(4);
            assertThat(md.getInt("bert.attention.head_count")).isEqualTo(8); // from the query's Reshape
            assertThat(md.getDouble("bert.attention.layer_norm_epsilon")).isEqualTo(1e-12f);
            assertThat(md.getInt("bert.pooling_type")).isEqualTo(2);
            assertThat(md.getBoolean("bert.attention.causal")).isFalse();
            assertThat(md.getInt("tokenizer.ggml.token_type_count")).isEqualTo(2);
            assertThat(gguf.tensors()).hasSize(5 + 4 * 16);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().shape()).isEqualTo(Shape.of(512, 21128));
            assertThat(gguf.tensor("blk.3.ffn_up.weight").orElseThrow().shape()).isEqualTo(Shape.of(512, 2048));
            assertThat(gguf.tensor("blk.3.ffn_down.weight").orElseThrow().shape()).isEqualTo(Shape.of(2048, 512));
            assertThat(gguf.tensors()).extracting(GgufTensorInfo::type).containsOnly(GgmlType.F32);
        }
    }

    @Test
    void convertsTheVocabularyAsLlamaCppDoes() throws IOException {
        try (GgufFile gguf = GgufFile.open(BgeSmallZh.gguf())) {
            GgufMetadata md = gguf.metadata();
            List<String> tokens = md.getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(21128);
            assertThat(tokens.subList(100, 104)).containsExactly("[UNK]", "[CLS]", "[SEP]", "[MASK]");
            assertThat(tokens).contains("\u2581的", "的", "\u2581hello", "\u2581<S>").doesNotContain("##的");
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("bert");
            assertThat(md.getBoolean("tokenizer.ggml.normalizer.lowercase")).isFalse();
            assertThat(md.getInt("tokenizer.ggml.cls_token_id")).isEqualTo(101);
            assertThat(md.getInt("tokenizer.ggml.seperator_token_id")).isEqualTo(102);
            assertThat(md.getInt("tokenizer.ggml.unknown_token_id")).isEqualTo(100);
            assertThat(md.getInt("tokenizer.ggml.padding_token_id")).isEqualTo(0);
            assertThat(md.getIntArray("tokenizer.ggml.token_type")[101]).isEqualTo(3); // control
        }
    }

    @Test
    void transposesMatMulWeightsToRowsOfOutputs() throws IOException {
        try (GgufFile gguf = GgufFile.open(BgeSmallZh.gguf()); OnnxModel onnx = BgeSmallZh.onnx()) {
            // the MatMul whose output the value bias of layer 2 is added to
            String weight = onnx.nodes().stream()
                    .filter(n -> n.opType().equals("Add") && n.inputs().contains("encoder.layer.2.attention.self.value.bias"))
                    .map(add -> onnx.producer(add.inputs().get(1)).orElseThrow().inputs().get(1))
                    .findFirst().orElseThrow();
            OnnxTensor stored = onnx.initializer(weight).orElseThrow(); // [in][out]
            var data = gguf.data(gguf.tensor("blk.2.attn_v.weight").orElseThrow()); // [out][in]
            for (int[] rc : new int[][] {{0, 0}, {1, 0}, {0, 1}, {511, 3}, {7, 500}}) {
                int out = rc[0];
                int in = rc[1];
                assertThat(data.getAtIndex(LE_FLOAT, (long) out * 512 + in)).isEqualTo(stored.floatAt((long) in * 512 + out));
            }
        }
    }

    @Test
    void writesMatricesInF16WhenAsked() throws IOException {
        Path out = dir.resolve("bge-f16.gguf");
        try (OnnxModel onnx = BgeSmallZh.onnx()) {
            OnnxBertImporter.convert(onnx, BgeSmallZh.tokenizerJson(), out,
                    OnnxBertImporter.Options.defaults().withName("bge").withMatrixType(GgmlType.F16));
        }
        try (GgufFile gguf = GgufFile.open(out)) {
            assertThat(gguf.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(GgmlType.F16);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().type()).isEqualTo(GgmlType.F16);
            assertThat(gguf.tensor("blk.0.attn_q.bias").orElseThrow().type()).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void refusesAHeadCountTheGraphContradicts() throws IOException {
        try (OnnxModel onnx = BgeSmallZh.onnx()) {
            assertThatThrownBy(() -> OnnxBertImporter.convert(onnx, BgeSmallZh.tokenizerJson(), dir.resolve("x.gguf"),
                    OnnxBertImporter.Options.defaults().withName("bge").withHeads(16)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("16 heads were asked for")
                    .hasMessageContaining("into 8");
        }
    }

    @Test
    void mapsHuggingFaceNamesToLlamaCppNames() {
        assertThat(OnnxBertGraph.ggufName("encoder.layer.11.attention.output.LayerNorm.bias"))
                .contains("blk.11.attn_output_norm.bias");
        assertThat(OnnxBertGraph.ggufName("bert.encoder.layer.0.intermediate.dense.weight")).contains("blk.0.ffn_up.weight");
        assertThat(OnnxBertGraph.ggufName("embeddings.token_type_embeddings.weight")).contains("token_types.weight");
        assertThat(OnnxBertGraph.ggufName("pooler.dense.weight")).isEmpty();
        assertThat(BertTokenizerJson.ggufText("##ing", "##")).isEqualTo("ing");
        assertThat(BertTokenizerJson.ggufText("[unused1]", "##")).isEqualTo("[unused1]");
        assertThat(BertTokenizerJson.ggufText("hello", "##")).isEqualTo("\u2581hello");
    }
}
