package dev.hearth.model.convert;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.onnx.OnnxFormatException;
import dev.hearth.model.onnx.OnnxModel;
import dev.hearth.model.onnx.OnnxTensor;
import dev.hearth.model.runtime.Pooling;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Imports a BERT encoder exported to ONNX from Hugging Face (e.g. bge-small-zh-v1.5 as Xenova and
 * optimum export it) with its {@code tokenizer.json}, into a GGUF file in llama.cpp's {@code bert}
 * layout: the file llama.cpp's {@code convert_hf_to_gguf.py} would write from the PyTorch
 * checkpoint, which Hearth opens with {@link dev.hearth.model.runtime.Models#openEmbedding}.
 *
 * <p>Weights keep their float32 values unless {@link Options#matrixType()} asks for F16 (matrices
 * only; norms and biases stay F32, as llama.cpp keeps them). {@code MatMul} weights, stored
 * {@code [in, out]} in ONNX, are transposed to PyTorch's {@code [out][in]} on the way out.
 */
public final class OnnxBertImporter {

    /**
     * What the ONNX file does not say, or says only in its graph.
     *
     * @param heads attention heads; 0 to read them from the graph (the query's reshape), failing
     *     when it cannot be found there
     * @param pooling how the model's sentence embedding is pooled: ONNX exports of {@code BertModel}
     *     end at the hidden states, so this is the caller's to say (bge: CLS; all-MiniLM: MEAN)
     * @param matrixType {@link GgmlType#F32} or {@link GgmlType#F16} for the 2-D tensors
     * @param name {@code general.name}; null for the ONNX file's name without its extension
     */
    public record Options(int heads, Pooling pooling, GgmlType matrixType, String name) {
        public Options {
            Objects.requireNonNull(pooling, "pooling");
            if (heads < 0) {
                throw new IllegalArgumentException("heads must be positive, or 0 to read them from the graph; got " + heads);
            }
            if (matrixType != GgmlType.F32 && matrixType != GgmlType.F16) {
                throw new IllegalArgumentException("matrix type must be F32 or F16, got " + matrixType);
            }
            if (pooling == Pooling.LAST) {
                throw new IllegalArgumentException("BERT pools by CLS or MEAN, not LAST");
            }
        }

        /** Heads from the graph, CLS pooling (BERT's and bge's), F32, the name from the file. */
        public static Options defaults() {
            return new Options(0, Pooling.CLS, GgmlType.F32, null);
        }

        public Options withHeads(int heads) {
            return new Options(heads, pooling, matrixType, name);
        }

        public Options withPooling(Pooling pooling) {
            return new Options(heads, pooling, matrixType, name);
        }

        public Options withMatrixType(GgmlType type) {
            return new Options(heads, pooling, type, name);
        }

        public Options withName(String name) {
            return new Options(heads, pooling, matrixType, name);
        }
    }

    private OnnxBertImporter() {}

    /**
     * Writes {@code output} (atomically) from the ONNX file {@code onnx} and {@code tokenizerJson}.
     *
     * @throws OnnxFormatException if the ONNX file is malformed or is not a BERT encoder Hearth
     *     recognises (the message names the tensor or graph element)
     * @throws IllegalArgumentException if the tokenizer is not a BERT WordPiece one, or does not fit
     *     the model (naming the file and field)
     * @throws IOException if a file cannot be read or written
     */
    public static ConvertedModel convert(Path onnx, Path tokenizerJson, Path output, Options options) throws IOException {
        String fileName = onnx.getFileName().toString();
        Options named = options.name() != null ? options
                : options.withName(fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName);
        try (OnnxModel model = OnnxModel.open(onnx)) {
            return convert(model, tokenizerJson, output, named);
        }
    }

    /**
     * As {@link #convert(Path, Path, Path, Options)}, from an ONNX model already read (from a
     * classpath resource, say, with {@link OnnxModel#read}); {@code options.name()} must be set.
     */
    public static ConvertedModel convert(OnnxModel onnx, Path tokenizerJson, Path output, Options options)
            throws IOException {
        Objects.requireNonNull(options.name(), "options.name(): the model's name");
        OnnxBertGraph graph = OnnxBertGraph.read(onnx);
        int heads = heads(onnx, graph, options.heads());
        BertTokenizerJson tokenizer = BertTokenizerJson.read(tokenizerJson);
        if (tokenizer.tokens().size() > graph.vocabularySize()) {
            throw new IllegalArgumentException(tokenizerJson + ": model.vocab: " + tokenizer.tokens().size()
                    + " tokens, but the model's word embeddings have only " + graph.vocabularySize() + " rows");
        }

        GgufWriter gguf = new GgufWriter();
        gguf.putString("general.architecture", "bert");
        gguf.putString("general.name", options.name());
        gguf.putUInt32("general.file_type", options.matrixType() == GgmlType.F16 ? 1 : 0); // LLAMA_FTYPE_MOSTLY_F16 / ALL_F32
        gguf.putUInt32("bert.context_length", graph.contextLength());
        gguf.putUInt32("bert.embedding_length", graph.dim());
        gguf.putUInt32("bert.feed_forward_length", graph.ffnDim());
        gguf.putUInt32("bert.block_count", graph.layers());
        gguf.putUInt32("bert.attention.head_count", heads);
        gguf.putFloat32("bert.attention.layer_norm_epsilon", graph.layerNormEps());
        gguf.putBool("bert.attention.causal", false);
        gguf.putUInt32("bert.pooling_type", options.pooling() == Pooling.MEAN ? 1 : 2); // llama.cpp's enum
        OnnxBertGraph.Weight tokenTypes = graph.tensors().get("token_types.weight");
        gguf.putUInt32("tokenizer.ggml.token_type_count",
                tokenTypes == null ? 0 : tokenTypes.tensor().dims().getFirst());
        tokenizer.write(gguf);

        List<String> names = new ArrayList<>(List.of("token_embd.weight", "token_types.weight", "position_embd.weight",
                "token_embd_norm.weight", "token_embd_norm.bias"));
        for (int l = 0; l < graph.layers(); l++) {
            names.addAll(OnnxBertGraph.layerTensorNames(l));
        }
        long parameters = 0;
        int count = 0;
        for (String name : names) {
            OnnxBertGraph.Weight w = graph.tensors().get(name);
            if (w != null) {
                parameters += add(gguf, name, w, options.matrixType());
                count++;
            }
        }
        gguf.write(output);
        return new ConvertedModel(output, count, parameters, Files.size(output));
    }

    private static int heads(OnnxModel onnx, OnnxBertGraph graph, int requested) {
        int heads = requested > 0 ? requested : graph.headsInGraph();
        if (heads == 0) {
            throw new OnnxFormatException(onnx.source(), -1, "attention head count", "not found in the graph (expected the"
                    + " first layer's query reshaped to [batch, seq, heads, headDim] with a constant head count);"
                    + " pass it in OnnxBertImporter.Options.heads");
        }
        if (requested > 0 && graph.headsInGraph() > 0 && requested != graph.headsInGraph()) {
            throw new IllegalArgumentException(requested + " heads were asked for, but the graph of " + onnx.source()
                    + " reshapes the query into " + graph.headsInGraph());
        }
        if (graph.dim() % heads != 0) {
            throw new IllegalArgumentException(heads + " heads do not divide the hidden size " + graph.dim()
                    + " of " + onnx.source());
        }
        return heads;
    }

    /** Adds one tensor, in GGUF order of dimensions; returns its element count. */
    private static long add(GgufWriter gguf, String name, OnnxBertGraph.Weight w, GgmlType matrixType) {
        OnnxTensor t = w.tensor();
        List<Long> dims = t.dims();
        if (dims.size() == 1) {
            gguf.addTensor(name, GgmlType.F32, Shape.of(dims.getFirst()), t.data());
            return dims.getFirst();
        }
        // GGUF lists the contiguous dimension first: a PyTorch [rows][cols] matrix is Shape.of(cols, rows)
        int rows = (int) (long) (w.transposed() ? dims.get(1) : dims.get(0));
        int cols = (int) (long) (w.transposed() ? dims.get(0) : dims.get(1));
        if (!w.transposed() && matrixType == GgmlType.F32) {
            gguf.addTensor(name, GgmlType.F32, Shape.of(cols, rows), t.data());
        } else {
            Quantizer format = WeightFormats.quantizer(matrixType);
            gguf.addTensor(name, matrixType, Shape.of(cols, rows), (firstRow, n, dst) ->
                    writeRows(t, w.transposed(), rows, cols, (int) firstRow, n, format, dst));
        }
        return (long) rows * cols;
    }

    /** Rows {@code [first, first+n)} of the {@code [rows][cols]} matrix, in {@code format}, into {@code dst}. */
    private static void writeRows(OnnxTensor t, boolean transposed, int rows, int cols, int first, int n,
            Quantizer format, MemorySegment dst) {
        float[] row = new float[cols];
        long rowBytes = format.type().byteSize(cols);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < cols; j++) {
                // stored [cols][rows] when transposed: element (first+r, j) is at j·rows + first+r
                row[j] = t.floatAt(transposed ? (long) j * rows + first + r : (long) (first + r) * cols + j);
            }
            format.quantize(row, 0, cols, dst, r * rowBytes);
        }
    }
}
