package dev.hearth.model.synth;

import dev.hearth.compute.tensor.GgmlType;

import java.util.Arrays;
import java.util.Locale;

/**
 * The weight types {@code hearth synth} writes, as llama.cpp's file types ({@code general.file_type},
 * {@code enum llama_ftype}): which type each tensor gets is {@link TensorTypes}' choice.
 */
public enum SynthType {
    /** Every matrix F16 ({@code LLAMA_FTYPE_MOSTLY_F16}). */
    F16("f16", 1, GgmlType.F16),
    /** Every matrix Q8_0 ({@code LLAMA_FTYPE_MOSTLY_Q8_0}). */
    Q8_0("q8_0", 7, GgmlType.Q8_0),
    /** Q4_0, the output projection Q6_K (Q8_0 if its rows are not whole super-blocks) ({@code LLAMA_FTYPE_MOSTLY_Q4_0}). */
    Q4_0("q4_0", 2, GgmlType.Q4_0),
    /** Q4_K, with Q6_K for the output and some attn_v/ffn_down ({@code LLAMA_FTYPE_MOSTLY_Q4_K_M}). */
    Q4_K_M("q4_k_m", 15, GgmlType.Q4_K);

    private final String cliName;
    private final int fileType;
    private final GgmlType defaultType;

    SynthType(String cliName, int fileType, GgmlType defaultType) {
        this.cliName = cliName;
        this.fileType = fileType;
        this.defaultType = defaultType;
    }

    /** The name on the command line: {@code f16}, {@code q8_0}, {@code q4_0}, {@code q4_k_m}. */
    public String cliName() {
        return cliName;
    }

    /** llama.cpp's {@code llama_ftype} number, written as {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }

    /** The type of a weight matrix that no rule singles out ({@code llama_ftype_get_default_type}). */
    public GgmlType defaultType() {
        return defaultType;
    }

    /**
     * The type called {@code name} on the command line.
     *
     * @throws IllegalArgumentException naming the types there are
     */
    public static SynthType named(String name) {
        return Arrays.stream(values()).filter(t -> t.cliName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no type '" + name + "' (there are "
                        + String.join(", ", Arrays.stream(values()).map(SynthType::cliName).toList()) + ")"));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
