package dev.hearth.model.arch.transformer;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.runtime.ModelLoadException;

import java.util.Optional;
import java.util.TreeSet;

/**
 * A GGUF file's tensors as an architecture asks for them: each by name with the shape it must
 * have, in a type Hearth computes with. Every failure is a {@link ModelLoadException} naming the
 * tensor, what was expected and what the file holds. Shapes in messages are in ggml order, as
 * {@code hearth info --tensors} prints them: {@code [cols, rows]}.
 */
public final class ModelTensors {
    private final GgufFile file;

    public ModelTensors(GgufFile file) {
        this.file = file;
    }

    /** The matrix {@code name}, {@code [rows][cols]} (GGUF shape {@code [cols, rows]}). */
    public Tensor matrix(String name, int rows, int cols) {
        return tensor(find(name), Shape.of(cols, rows));
    }

    /** The matrix {@code name} if the file has it; if it has it, it must be {@code [rows][cols]}. */
    public Optional<Tensor> optionalMatrix(String name, int rows, int cols) {
        return file.tensor(name).map(info -> tensor(info, Shape.of(cols, rows)));
    }

    /**
     * The matrix {@code name} with rows of {@code cols} elements and any positive number of rows,
     * for tables whose length the file decides (the token embedding).
     */
    public Tensor matrixWithRowLength(String name, int cols) {
        GgufTensorInfo info = find(name);
        long rows = info.shape().rank() == 2 ? info.shape().dim(1) : 0;
        if (info.shape().rank() != 2 || info.shape().dim(0) != cols || rows <= 0 || rows > Integer.MAX_VALUE) {
            throw problem(name, "expected shape [" + cols + ", rows] (ggml order), found " + info.shape());
        }
        return tensor(info, info.shape());
    }

    /** The vector {@code name} of {@code n} elements, as floats on the heap. */
    public float[] vector(String name, int n) {
        return floats(tensor(find(name), Shape.of(n)));
    }

    /** The vector {@code name} if the file has it (it must then have {@code n} elements), else null. */
    public float[] optionalVector(String name, int n) {
        return file.tensor(name).map(info -> floats(tensor(info, Shape.of(n)))).orElse(null);
    }

    /** Whether the file has a tensor called {@code name}. */
    public boolean contains(String name) {
        return file.tensor(name).isPresent();
    }

    private GgufTensorInfo find(String name) {
        return file.tensor(name).orElseThrow(() -> problem(name,
                "required tensor is missing (" + file.metadata().findString("general.architecture").orElse("this architecture")
                        + " needs it; the file has " + file.tensors().size() + " tensors)"));
    }

    private Tensor tensor(GgufTensorInfo info, Shape expected) {
        if (!info.shape().equals(expected)) {
            throw problem(info.name(), "expected shape " + expected + " (ggml order), found " + info.shape());
        }
        if (!WeightFormats.supportedTypes().contains(info.type())) {
            throw problem(info.name(), "type " + info.type() + " is not supported (Hearth computes with "
                    + new TreeSet<>(WeightFormats.supportedTypes()) + ")");
        }
        return new Tensor(info.name(), info.type(), info.shape(), file.data(info));
    }

    private static float[] floats(Tensor t) {
        float[] out = new float[Math.toIntExact(t.shape().elementCount())];
        for (int r = 0; r < t.rows(); r++) {
            t.dequantizeRow(r, out, r * t.cols());
        }
        return out;
    }

    private ModelLoadException problem(String name, String message) {
        return new ModelLoadException(file.path(), "tensor '" + name + "'", message);
    }
}
