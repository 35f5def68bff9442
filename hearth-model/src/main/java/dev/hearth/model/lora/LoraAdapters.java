package dev.hearth.model.lora;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.runtime.ModelLoadException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes LoRA adapters as llama.cpp's GGUF adapter files, and checks them against a
 * base model.
 *
 * <p>The layout, as llama.cpp's loader ({@code llama_adapter_lora_init_impl} in
 * {@code src/llama-adapter.cpp}) requires it: {@code general.type = "adapter"},
 * {@code adapter.type = "lora"}, {@code general.architecture} equal to the base model's, and
 * {@code adapter.lora.alpha} a float32 (0 when absent); for each changed base tensor {@code W}
 * (ggml shape {@code [in, out]}) a pair {@code W.lora_a} of ggml shape {@code [in, rank]} (so
 * {@code A} is {@code [rank][in]} row-major) and {@code W.lora_b} of ggml shape
 * {@code [rank, out]} ({@code B} is {@code [out][rank]}); tensors named {@code …_norm.weight} are
 * skipped, as llama.cpp skips them, and any other name is refused.
 */
public final class LoraAdapters {
    static final String GENERAL_TYPE = "general.type";
    static final String ADAPTER_TYPE = "adapter.type";
    static final String ALPHA = "adapter.lora.alpha";
    static final String ARCHITECTURE = "general.architecture";
    private static final String A = ".lora_a";
    private static final String B = ".lora_b";

    private LoraAdapters() {
    }

    /**
     * Reads an adapter, its factors dequantized to floats (F32, F16, BF16 and every type Hearth
     * reads).
     *
     * @throws dev.hearth.model.gguf.GgufFormatException naming the key when the file is not a LoRA
     *     adapter ({@code general.type}, {@code adapter.type}) or is not well-formed GGUF
     * @throws ModelLoadException naming the tensor when a factor has no partner, the two factors'
     *     ranks differ, a factor is not a matrix or of a type Hearth cannot read, the adapter changes
     *     a tensor Hearth cannot adapt, or its pairs have different ranks
     * @throws IOException if the file cannot be read
     */
    public static LoraAdapter read(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            GgufMetadata md = file.metadata();
            expect(md, GENERAL_TYPE, "adapter", "this file is not a LoRA adapter (a model has 'model' or no "
                    + GENERAL_TYPE + ")");
            expect(md, ADAPTER_TYPE, "lora", "Hearth reads LoRA adapters only");
            String architecture = md.getString(ARCHITECTURE);
            float alpha = (float) md.findDouble(ALPHA).orElse(0);

            Map<String, GgufTensorInfo> as = new LinkedHashMap<>();
            Map<String, GgufTensorInfo> bs = new LinkedHashMap<>();
            for (GgufTensorInfo info : file.tensors()) {
                String name = info.name();
                if (name.endsWith(A)) {
                    as.put(name.substring(0, name.length() - A.length()), info);
                } else if (name.endsWith(B)) {
                    bs.put(name.substring(0, name.length() - B.length()), info);
                } else if (!name.endsWith("_norm.weight")) {
                    throw problem(path, name, "is neither a " + A + " nor a " + B + " factor");
                }
            }
            Set<String> targets = new LinkedHashSet<>(as.keySet());
            targets.addAll(bs.keySet());
            if (targets.isEmpty()) {
                throw new ModelLoadException(path, "tensors", "the adapter holds no " + A + "/" + B + " pairs");
            }
            Map<String, LoraAdapter.Factors> factors = new LinkedHashMap<>();
            for (String target : targets) {
                factors.put(target, factors(file, target, as.get(target), bs.get(target)));
            }
            checkOneRank(path, factors);
            return new LoraAdapter(path, architecture, alpha, factors);
        }
    }

    /**
     * Writes {@code adapter} with F32 factors, atomically replacing {@code path}. llama.cpp loads
     * the file onto the base model the adapter was made for.
     */
    public static void write(LoraAdapter adapter, Path path) throws IOException {
        GgufWriter writer = new GgufWriter()
                .putString(ARCHITECTURE, adapter.architecture())
                .putString(GENERAL_TYPE, "adapter")
                .putString(ADAPTER_TYPE, "lora")
                .putFloat32(ALPHA, adapter.alpha());
        Quantizer f32 = WeightFormats.quantizer(GgmlType.F32); // little-endian, whatever this machine's order
        adapter.factors().forEach((name, f) -> {
            writer.addTensor(name + A, GgmlType.F32, Shape.of(f.in(), f.rank()),
                    (row, rows, dst) -> f32.quantize(f.a(), (int) row * f.in(), rows * f.in(), dst, 0));
            writer.addTensor(name + B, GgmlType.F32, Shape.of(f.rank(), f.out()),
                    (row, rows, dst) -> f32.quantize(f.b(), (int) row * f.rank(), rows * f.rank(), dst, 0));
        });
        writer.write(path);
    }

    /**
     * Checks that {@code adapter} applies to the model in {@code base}: the same architecture, and
     * each changed tensor present there as a matrix of the adapter's dimensions.
     *
     * @throws ModelLoadException naming the adapter's file and the key or tensor that differs
     */
    public static void checkFits(LoraAdapter adapter, GgufFile base) {
        String architecture = base.metadata().findString(ARCHITECTURE).orElse("(none)");
        if (!adapter.architecture().equals(architecture)) {
            throw new ModelLoadException(adapter.source(), ARCHITECTURE, "the adapter is for '" + adapter.architecture()
                    + "', but " + base.path() + " is '" + architecture + "'");
        }
        adapter.factors().forEach((name, f) -> {
            GgufTensorInfo info = base.tensor(name).orElseThrow(() -> new ModelLoadException(adapter.source(),
                    "tensor '" + name + A + "'", base.path() + " has no tensor " + name
                            + " to change (an adapter for another model?)"));
            Shape expected = Shape.of(f.in(), f.out());
            if (!info.shape().equals(expected)) {
                throw new ModelLoadException(adapter.source(), "tensor '" + name + A + "'", "changes a " + expected
                        + " matrix (ggml order), but " + name + " in " + base.path() + " is " + info.shape());
            }
        });
    }

    private static void expect(GgufMetadata md, String key, String value, String why) {
        String found = md.findString(key).orElse(null);
        if (!value.equals(found)) {
            throw md.problem(key, (found == null ? "is missing" : "is '" + found + "'") + ", expected '" + value
                    + "': " + why);
        }
    }

    /** One target's factors, read and checked against each other. */
    private static LoraAdapter.Factors factors(GgufFile file, String target, GgufTensorInfo a, GgufTensorInfo b) {
        Path path = file.path();
        if (a == null || b == null) {
            String present = (a == null ? target + B : target + A);
            String missing = (a == null ? target + A : target + B);
            throw problem(path, missing, "is missing: " + present + " has no partner");
        }
        if (LoraTarget.of(target).isEmpty()) {
            String why = target.equals("output.weight") || target.equals("token_embd.weight")
                    ? "adapters on the embedding or the output projection are not supported"
                    : "is not a tensor Hearth adapts";
            throw problem(path, a.name(), why + " (Hearth adapts blk.N.{" + LoraTarget.names() + "}.weight)");
        }
        for (GgufTensorInfo factor : new GgufTensorInfo[] {a, b}) {
            if (factor.shape().rank() != 2) {
                throw problem(path, factor.name(), "expected a matrix, found shape " + factor.shape());
            }
            if (!WeightFormats.supportedTypes().contains(factor.type())) {
                throw problem(path, factor.name(), "type " + factor.type() + " is not supported (Hearth reads "
                        + new TreeSet<>(WeightFormats.supportedTypes()) + ")");
            }
        }
        long in = a.shape().dim(0);
        long rank = a.shape().dim(1);
        long out = b.shape().dim(1);
        if (b.shape().dim(0) != rank) {
            throw problem(path, b.name(), "has rank " + b.shape().dim(0) + " (shape " + b.shape() + "), but "
                    + a.name() + " has rank " + rank + " (shape " + a.shape() + "); expected lora_a [in, rank] and"
                    + " lora_b [rank, out] in ggml order");
        }
        if (in * rank > Integer.MAX_VALUE || out * rank > Integer.MAX_VALUE) {
            throw problem(path, a.name(), "factors of " + in + " × " + rank + " and " + rank + " × " + out
                    + " are too large");
        }
        return new LoraAdapter.Factors((int) rank, (int) in, (int) out, floats(file, a), floats(file, b));
    }

    private static void checkOneRank(Path path, Map<String, LoraAdapter.Factors> factors) {
        Map.Entry<String, LoraAdapter.Factors> first = factors.entrySet().iterator().next();
        factors.forEach((name, f) -> {
            if (f.rank() != first.getValue().rank()) {
                throw problem(path, name + A, "has rank " + f.rank() + ", but " + first.getKey() + A + " has rank "
                        + first.getValue().rank() + "; Hearth needs one rank for all of an adapter's factors");
            }
        });
    }

    private static float[] floats(GgufFile file, GgufTensorInfo info) {
        Tensor t = new Tensor(info.name(), info.type(), info.shape(), file.data(info));
        float[] out = new float[Math.toIntExact(info.elementCount())];
        for (int r = 0; r < t.rows(); r++) {
            t.dequantizeRow(r, out, r * t.cols());
        }
        return out;
    }

    private static ModelLoadException problem(Path path, String tensor, String message) {
        return new ModelLoadException(path, "tensor '" + tensor + "'", message);
    }
}
