package dev.hearth.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ONNX model file ({@code ModelProto}) that an importer follows: the graph's
 * initializers (weights) by name, and its nodes in file order, with which node produces and which
 * consume each value. Everything else (opsets, value infos, metadata) is skipped unread.
 *
 * <p>The protobuf is read with bounds checks throughout: a truncated or corrupt file is an
 * {@link OnnxFormatException} giving the byte offset and the field. Initializer data is not
 * copied: tensors are slices of the mapped file (or of the buffer a stream was read into), valid
 * until {@link #close()}. Immutable once read; safe to share between threads until closed.
 */
public final class OnnxModel implements AutoCloseable {
    // ModelProto, GraphProto, NodeProto, AttributeProto and TensorProto field numbers (onnx.proto)
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_F = 2;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_S = 4;
    private static final int ATTRIBUTE_T = 5;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final Arena arena;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    private OnnxModel(String source, Arena arena, Map<String, OnnxTensor> initializers, List<OnnxNode> nodes) {
        this.source = source;
        this.arena = arena;
        this.initializers = Collections.unmodifiableMap(initializers);
        this.nodes = List.copyOf(nodes);
        for (OnnxNode node : nodes) {
            node.outputs().forEach(output -> producers.put(output, node));
            node.inputs().forEach(input -> consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node));
        }
    }

    /**
     * Maps and reads {@code file}.
     *
     * @throws OnnxFormatException if it is not a well-formed ONNX model with a graph
     * @throws IOException if it cannot be read
     */
    public static OnnxModel open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return parse(file.toString(), data, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads a model of {@code size} bytes from {@code in} (a classpath resource, say) into memory
     * of its own, released by {@link #close()}; {@code name} stands for the stream in messages.
     *
     * @throws OnnxFormatException if the stream ends before {@code size} bytes, or they are not a
     *     well-formed ONNX model
     */
    public static OnnxModel read(InputStream in, long size, String name) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException(name + ": negative size " + size);
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment data = arena.allocate(Math.max(1, size)).asSlice(0, size);
            byte[] chunk = new byte[1 << 16];
            long filled = 0;
            while (filled < size) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, size - filled));
                if (n < 0) {
                    throw new OnnxFormatException(name, filled, "ModelProto", "truncated: the stream ended after "
                            + filled + " of the " + size + " bytes announced");
                }
                MemorySegment.copy(chunk, 0, data, ValueLayout.JAVA_BYTE, filled, n);
                filled += n;
            }
            return parse(name, data, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static OnnxModel parse(String source, MemorySegment data, Arena arena) {
        ProtoReader model = new ProtoReader(source, data, "ModelProto", 0, data.byteSize());
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        boolean hasGraph = false;
        while (model.hasField()) {
            model.readTag();
            if (model.field() != MODEL_GRAPH) {
                model.skip();
                continue;
            }
            hasGraph = true;
            ProtoReader graph = model.message("graph", "GraphProto");
            while (graph.hasField()) {
                graph.readTag();
                switch (graph.field()) {
                    case GRAPH_NODE -> nodes.add(node(graph.message("node[" + nodes.size() + "]", "NodeProto")));
                    case GRAPH_INITIALIZER -> {
                        long at = graph.tagOffset();
                        OnnxTensor t = tensor(graph.message("initializer[" + initializers.size() + "]", "TensorProto"));
                        if (initializers.putIfAbsent(t.name(), t) != null) {
                            throw graph.problem(at, "initializer", "a second initializer named '" + t.name() + "'");
                        }
                    }
                    default -> graph.skip();
                }
            }
        }
        if (!hasGraph) {
            throw new OnnxFormatException(source, -1, "ModelProto.graph", "missing: not an ONNX model (no graph, field 7)");
        }
        return new OnnxModel(source, arena, initializers, nodes);
    }

    private static OnnxNode node(ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxNode.Attribute> attributes = new HashMap<>();
        String name = "";
        String opType = null;
        while (r.hasField()) {
            r.readTag();
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.string("input"));
                case NODE_OUTPUT -> outputs.add(r.string("output"));
                case NODE_NAME -> name = r.string("name");
                case NODE_OP_TYPE -> opType = r.string("op_type");
                case NODE_ATTRIBUTE -> {
                    OnnxNode.Attribute a = attribute(r.message("attribute", "AttributeProto"));
                    attributes.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        if (opType == null) {
            throw r.problem(r.tagOffset(), "op_type", "missing in node '" + name + "'");
        }
        return new OnnxNode(name, opType, inputs, outputs, attributes);
    }

    private static OnnxNode.Attribute attribute(ProtoReader r) {
        String name = "";
        float f = 0;
        long i = 0;
        String s = "";
        OnnxTensor t = null;
        List<Long> ints = new ArrayList<>();
        while (r.hasField()) {
            r.readTag();
            switch (r.field()) {
                case ATTRIBUTE_NAME -> name = r.string("name");
                case ATTRIBUTE_F -> {
                    r.expect(ProtoReader.FIXED32, "f");
                    f = r.fixed32Float("f");
                }
                case ATTRIBUTE_I -> {
                    r.expect(ProtoReader.VARINT, "i");
                    i = r.varint("i");
                }
                case ATTRIBUTE_S -> s = r.string("s");
                case ATTRIBUTE_T -> t = tensor(r.message("t", "TensorProto"));
                case ATTRIBUTE_INTS -> readInts(r, "ints", ints);
                default -> r.skip();
            }
        }
        return new OnnxNode.Attribute(name, f, i, s, t, ints);
    }

    /** A repeated int64 field, packed (one length-delimited run) or not (one varint per tag). */
    private static void readInts(ProtoReader r, String name, List<Long> into) {
        if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader packed = r.message(name, "packed " + name);
            while (packed.hasField()) {
                into.add(packed.varint(name));
            }
        } else {
            r.expect(ProtoReader.VARINT, name);
            into.add(r.varint(name));
        }
    }

    private static OnnxTensor tensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        long[] raw = null;
        List<Long> integers = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        long start = r.tagOffset();
        while (r.hasField()) {
            r.readTag();
            switch (r.field()) {
                case TENSOR_DIMS -> readInts(r, "dims", dims);
                case TENSOR_DATA_TYPE -> {
                    r.expect(ProtoReader.VARINT, "data_type");
                    dataType = (int) r.varint("data_type");
                }
                case TENSOR_FLOAT_DATA -> readFloats(r, floats);
                case TENSOR_INT32_DATA -> readInts(r, "int32_data", integers);
                case TENSOR_INT64_DATA -> readInts(r, "int64_data", integers);
                case TENSOR_NAME -> name = r.string("name");
                case TENSOR_RAW_DATA -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED, "raw_data");
                    raw = r.lengthDelimited("raw_data");
                }
                case TENSOR_DATA_LOCATION -> {
                    r.expect(ProtoReader.VARINT, "data_location");
                    if (r.varint("data_location") != 0) {
                        throw r.problem(r.tagOffset(), "data_location", "tensor '" + name
                                + "' is stored in an external file, which is not supported (expected its data inline)");
                    }
                }
                default -> r.skip();
            }
        }
        for (long d : dims) {
            if (d < 0) {
                throw r.problem(start, "dims", "tensor '" + name + "' has a negative dimension " + d);
            }
        }
        OnnxTensor shapeOnly = new OnnxTensor(name, dataType, dims, MemorySegment.NULL, -1);
        long count = shapeOnly.elementCount();
        int size = OnnxTensor.elementSize(dataType);
        if (raw != null) {
            long bytes = raw[1] - raw[0];
            if (size > 0 && bytes != count * size) {
                throw r.problem(raw[0], "raw_data", "tensor '" + name + "' " + dims + " of type " + dataType
                        + " needs " + count * size + " bytes, raw_data has " + bytes);
            }
            return new OnnxTensor(name, dataType, dims, r.segment().asSlice(raw[0], bytes), raw[0]);
        }
        if (!floats.isEmpty() || dataType == OnnxTensor.FLOAT) {
            return typed(r, start, name, dataType, dims, count, floats, 4);
        }
        return typed(r, start, name, dataType, dims, count, integers, size);
    }

    /** A tensor whose elements came in a typed repeated field, laid out as raw data would be. */
    private static OnnxTensor typed(ProtoReader r, long start, String name, int dataType, List<Long> dims, long count,
            List<? extends Number> values, int size) {
        if (values.size() != count || size == 0) {
            throw r.problem(start, "data", "tensor '" + name + "' " + dims + " of type " + dataType + " has "
                    + values.size() + " values, expected " + count);
        }
        MemorySegment data = MemorySegment.ofArray(new byte[Math.toIntExact(count * size)]);
        for (int i = 0; i < count; i++) {
            Number v = values.get(i);
            switch (size) {
                case 4 -> data.setAtIndex(LE_INT, i, dataType == OnnxTensor.FLOAT
                        ? Float.floatToRawIntBits(v.floatValue()) : v.intValue());
                case 8 -> data.setAtIndex(LE_LONG, i, v.longValue());
                default -> throw r.problem(start, "data", "tensor '" + name + "': element type " + dataType
                        + " in typed fields is not supported (expected float, int32 or int64)");
            }
        }
        return new OnnxTensor(name, dataType, dims, data, -1);
    }

    private static void readFloats(ProtoReader r, List<Float> into) {
        if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader packed = r.message("float_data", "packed float_data");
            while (packed.hasField()) {
                into.add(packed.fixed32Float("float_data"));
            }
        } else {
            r.expect(ProtoReader.FIXED32, "float_data");
            into.add(r.fixed32Float("float_data"));
        }
    }

    /** The file or stream name given when reading. */
    public String source() {
        return source;
    }

    /** The graph's initializers by name, in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** The initializer {@code name}, if the graph has one. */
    public Optional<OnnxTensor> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /** The graph's nodes, in file (topological) order. */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** The node whose output is {@code value}, if any (none for graph inputs and initializers). */
    public Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** The nodes that read {@code value}, in file order. */
    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * The value of {@code name} when it is a constant: an initializer, or the output of a
     * {@code Constant} node (its {@code value} tensor).
     */
    public Optional<OnnxTensor> constant(String name) {
        OnnxTensor init = initializers.get(name);
        if (init != null) {
            return Optional.of(init);
        }
        return producer(name).filter(n -> n.opType().equals("Constant"))
                .flatMap(n -> n.attribute("value")).map(OnnxNode.Attribute::t);
    }

    /** Releases the file's mapping (or the stream's buffer); tensors must not be read afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
