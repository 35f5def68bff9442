package dev.hearth.model.convert;

import dev.hearth.model.onnx.OnnxFormatException;
import dev.hearth.model.onnx.OnnxModel;
import dev.hearth.model.onnx.OnnxNode;
import dev.hearth.model.onnx.OnnxTensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BERT encoder found in an ONNX graph exported from Hugging Face's {@code BertModel} (optimum,
 * {@code torch.onnx}): its weights under llama.cpp's GGUF names, and its hyperparameters.
 *
 * <p>Embeddings, norms and biases are named initializers ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.3.attention.self.query.bias}). The linear layers' weights are often
 * anonymous ({@code onnx::MatMul_541}) and stored {@code [in, out]}: their role comes from the
 * graph, as the second input of a {@code MatMul} whose result an {@code Add} sums with a named
 * bias. The head count is in no weight: it is the third entry of the shape the query is reshaped
 * to, {@code [batch, seq, heads, headDim]}.
 *
 * @param tensors GGUF name → weight
 * @param headsInGraph the head count the graph states, or 0 when it could not be found
 * @param layerNormEps the epsilon the graph's LayerNorms add to the variance
 */
record OnnxBertGraph(Map<String, Weight> tensors, int vocabularySize, int contextLength, int dim, int ffnDim,
        int layers, int headsInGraph, float layerNormEps) {

    /**
     * An ONNX tensor as a GGUF tensor.
     *
     * @param transposed true for a {@code MatMul} weight stored {@code [in, out]}, which GGUF (as
     *     PyTorch) stores {@code [out][in]}
     */
    record Weight(OnnxTensor tensor, boolean transposed) {}

    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> EMBEDDINGS = Map.of(
            "embeddings.word_embeddings.weight", "token_embd.weight",
            "embeddings.position_embeddings.weight", "position_embd.weight",
            "embeddings.token_type_embeddings.weight", "token_types.weight",
            "embeddings.LayerNorm.weight", "token_embd_norm.weight",
            "embeddings.LayerNorm.bias", "token_embd_norm.bias");
    private static final Map<String, String> LAYER_PARTS = Map.of(
            "attention.self.query", "attn_q",
            "attention.self.key", "attn_k",
            "attention.self.value", "attn_v",
            "attention.output.dense", "attn_output",
            "attention.output.LayerNorm", "attn_output_norm",
            "intermediate.dense", "ffn_up",
            "output.dense", "ffn_down",
            "output.LayerNorm", "layer_output_norm");
    private static final List<String> LAYER_TENSORS = List.of(
            "attn_q", "attn_k", "attn_v", "attn_output", "attn_output_norm", "ffn_up", "ffn_down", "layer_output_norm");
    // BERT's configuration default, used when the graph hides its LayerNorm epsilon
    private static final float DEFAULT_LAYER_NORM_EPS = 1e-12f;

    /**
     * @throws OnnxFormatException naming the tensor or graph element that is missing or has the wrong shape
     */
    static OnnxBertGraph read(OnnxModel onnx) {
        Map<String, Weight> tensors = new TreeMap<>();
        for (OnnxTensor t : onnx.initializers().values()) {
            ggufName(t.name()).ifPresent(name -> tensors.put(name, new Weight(t, false)));
        }
        // the linear layers: MatMul(x, W) followed by Add(bias, ·), W named after the bias
        for (OnnxNode matMul : onnx.nodes()) {
            if (!matMul.opType().equals("MatMul") || matMul.inputs().size() != 2) {
                continue;
            }
            Optional<OnnxTensor> weight = onnx.initializer(matMul.inputs().get(1));
            if (weight.isEmpty()) {
                continue;
            }
            String bias = biasAdded(onnx, matMul.outputs().getFirst());
            if (bias != null && bias.endsWith(".bias")) {
                String hfName = bias.substring(0, bias.length() - "bias".length()) + "weight";
                ggufName(hfName).ifPresent(name -> tensors.put(name, new Weight(weight.get(), true)));
            }
        }

        OnnxTensor embedding = require(onnx, tensors, "token_embd.weight", 2);
        int vocabularySize = (int) embedding.dims().get(0).longValue();
        int dim = (int) embedding.dims().get(1).longValue();
        int contextLength = (int) require(onnx, tensors, "position_embd.weight", 2).dims().get(0).longValue();
        int layers = 0;
        while (tensors.containsKey("blk." + layers + ".attn_q.weight")) {
            layers++;
        }
        if (layers == 0) {
            throw missing(onnx, "blk.0.attn_q.weight", "encoder.layer.0.attention.self.query.weight");
        }
        int ffnDim = (int) require(onnx, tensors, "blk.0.ffn_up.bias", 1).dims().get(0).longValue();
        checkShape(onnx, tensors, "token_embd_norm.weight", dim);
        checkShape(onnx, tensors, "token_embd_norm.bias", dim);
        if (tensors.containsKey("token_types.weight")) {
            checkShape(onnx, tensors, "token_types.weight", tensors.get("token_types.weight").tensor().dims().get(0), dim);
        }
        checkShape(onnx, tensors, "position_embd.weight", contextLength, dim);
        for (int l = 0; l < layers; l++) {
            String blk = "blk." + l + ".";
            for (String part : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                checkShape(onnx, tensors, blk + part + ".weight", dim, dim);
                checkShape(onnx, tensors, blk + part + ".bias", dim);
            }
            for (String norm : List.of("attn_output_norm", "layer_output_norm")) {
                checkShape(onnx, tensors, blk + norm + ".weight", dim);
                checkShape(onnx, tensors, blk + norm + ".bias", dim);
            }
            checkShape(onnx, tensors, blk + "ffn_up.weight", dim, ffnDim);  // [in, out] as stored
            checkShape(onnx, tensors, blk + "ffn_up.bias", ffnDim);
            checkShape(onnx, tensors, blk + "ffn_down.weight", ffnDim, dim);
            checkShape(onnx, tensors, blk + "ffn_down.bias", dim);
        }
        for (String name : tensors.keySet()) { // a layer beyond the run of complete ones
            Matcher m = Pattern.compile("blk\\.(\\d+)\\..*").matcher(name);
            if (m.matches() && Integer.parseInt(m.group(1)) >= layers) {
                throw missing(onnx, "blk." + layers + ".attn_q.weight",
                        "encoder.layer." + layers + ".attention.self.query.weight (the graph has " + name + ")");
            }
        }
        return new OnnxBertGraph(tensors, vocabularySize, contextLength, dim, ffnDim, layers,
                headsInGraph(onnx, tensors.get("blk.0.attn_q.bias").tensor().name()), layerNormEps(onnx));
    }

    /** The GGUF name of a Hugging Face BERT parameter (an optional {@code bert.} prefix allowed), if it is one. */
    static Optional<String> ggufName(String hfName) {
        String name = hfName.startsWith("bert.") ? hfName.substring("bert.".length()) : hfName;
        if (EMBEDDINGS.containsKey(name)) {
            return Optional.of(EMBEDDINGS.get(name));
        }
        Matcher m = LAYER.matcher(name);
        if (m.matches() && LAYER_PARTS.containsKey(m.group(2))) {
            return Optional.of("blk." + m.group(1) + "." + LAYER_PARTS.get(m.group(2)) + "." + m.group(3));
        }
        return Optional.empty();
    }

    /** The GGUF names of block {@code l}'s tensors. */
    static List<String> layerTensorNames(int l) {
        return LAYER_TENSORS.stream().flatMap(t -> java.util.stream.Stream.of(
                "blk." + l + "." + t + ".weight", "blk." + l + "." + t + ".bias")).toList();
    }

    /** The named initializer an {@code Add} sums with {@code value}, or null. */
    private static String biasAdded(OnnxModel onnx, String value) {
        for (OnnxNode add : onnx.consumers(value)) {
            if (add.opType().equals("Add") && add.inputs().size() == 2) {
                String other = add.inputs().get(0).equals(value) ? add.inputs().get(1) : add.inputs().get(0);
                if (onnx.initializer(other).isPresent()) {
                    return other;
                }
            }
        }
        return null;
    }

    /**
     * The heads of the first layer's attention: the query (the Add of its bias) is reshaped to
     * {@code [batch, seq, heads, headDim]}, with a constant shape or one concatenated from parts
     * whose third is a constant. 0 when the graph is built otherwise.
     */
    private static int headsInGraph(OnnxModel onnx, String queryBias) {
        for (OnnxNode add : onnx.consumers(queryBias)) {
            for (OnnxNode reshape : onnx.consumers(add.outputs().getFirst())) {
                if (!reshape.opType().equals("Reshape") || reshape.inputs().size() < 2) {
                    continue;
                }
                String shape = reshape.inputs().get(1);
                Optional<long[]> constant = onnx.constant(shape).map(OnnxTensor::longs);
                if (constant.isPresent() && constant.get().length == 4) {
                    return (int) constant.get()[2];
                }
                Optional<OnnxNode> concat = onnx.producer(shape).filter(n -> n.opType().equals("Concat"));
                if (concat.isPresent() && concat.get().inputs().size() == 4) {
                    Optional<long[]> heads = onnx.constant(concat.get().inputs().get(2)).map(OnnxTensor::longs);
                    if (heads.isPresent() && heads.get().length == 1 && heads.get()[0] > 0) {
                        return (int) heads.get()[0];
                    }
                }
            }
        }
        return 0;
    }

    /**
     * The epsilon of the first LayerNorm: a {@code LayerNormalization} node's attribute, or the
     * constant added to the variance before {@code Sqrt} in a decomposed one.
     */
    private static float layerNormEps(OnnxModel onnx) {
        for (OnnxNode node : onnx.nodes()) {
            if (node.opType().equals("LayerNormalization")) {
                return node.attribute("epsilon").map(OnnxNode.Attribute::f).orElse(1e-5f); // ONNX's default
            }
            if (node.opType().equals("Sqrt")) {
                Optional<OnnxNode> add = onnx.producer(node.inputs().getFirst()).filter(n -> n.opType().equals("Add"));
                for (String input : add.map(OnnxNode::inputs).orElse(List.of())) {
                    Optional<OnnxTensor> eps = onnx.constant(input)
                            .filter(t -> t.dataType() == OnnxTensor.FLOAT && t.elementCount() == 1);
                    if (eps.isPresent()) {
                        return eps.get().floatAt(0);
                    }
                }
            }
        }
        return DEFAULT_LAYER_NORM_EPS;
    }

    private static OnnxTensor require(OnnxModel onnx, Map<String, Weight> tensors, String name, int rank) {
        Weight w = tensors.get(name);
        if (w == null) {
            throw missing(onnx, name, null);
        }
        if (w.tensor().dims().size() != rank || w.tensor().dataType() != OnnxTensor.FLOAT) {
            throw new OnnxFormatException(onnx.source(), w.tensor().offset(), "initializer '" + w.tensor().name() + "'",
                    "expected a float tensor of rank " + rank + " (for " + name + "), found type "
                            + w.tensor().dataType() + " " + w.tensor().dims());
        }
        return w.tensor();
    }

    private static void checkShape(OnnxModel onnx, Map<String, Weight> tensors, String name, long... dims) {
        OnnxTensor t = require(onnx, tensors, name, dims.length);
        for (int i = 0; i < dims.length; i++) {
            if (t.dims().get(i) != dims[i]) {
                throw new OnnxFormatException(onnx.source(), t.offset(), "initializer '" + t.name() + "'",
                        "expected shape " + Arrays.toString(dims) + " (for " + name + "), found " + t.dims());
            }
        }
    }

    private static OnnxFormatException missing(OnnxModel onnx, String ggufName, String hfName) {
        return new OnnxFormatException(onnx.source(), -1, ggufName, "not found in the graph"
                + (hfName == null ? "" : " (expected " + hfName + ")") + "; is this a BERT encoder?");
    }
}
