package dev.hearth.model.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an ONNX graph: an operator applied to named values.
 *
 * @param name the node's name (may be empty)
 * @param opType the operator, e.g. {@code MatMul}, {@code Add}, {@code Constant}
 * @param inputs names of the values it reads; an omitted optional input is the empty string
 * @param outputs names of the values it produces
 * @param attributes by name
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
        Map<String, Attribute> attributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** The attribute {@code name}, if the node has it. */
    public Optional<Attribute> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /**
     * A node attribute ({@code AttributeProto}); only the field its type uses is meaningful.
     *
     * @param f a float attribute
     * @param i an integer attribute
     * @param s a string attribute, decoded as UTF-8
     * @param t a tensor attribute ({@code Constant}'s {@code value}), or null
     * @param ints a list-of-integers attribute ({@code Transpose}'s {@code perm})
     */
    public record Attribute(String name, float f, long i, String s, OnnxTensor t, List<Long> ints) {
        public Attribute {
            ints = List.copyOf(ints);
        }
    }
}
