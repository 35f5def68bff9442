package dev.hearth.model.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The model shapes {@code hearth synth} writes: the architecture, hyperparameters, tensor shapes and
 * vocabulary layout of a published model, as its Hugging Face {@code config.json} states them and
 * llama.cpp's converter writes them to GGUF.
 *
 * @param cliName the name on the command line, e.g. {@code qwen2.5-0.5b}
 * @param displayName the model's name, for {@code general.name}
 * @param family what the architecture and tokenizer look like
 * @param dim the residual stream width ({@code hidden_size})
 * @param layers transformer blocks ({@code num_hidden_layers})
 * @param heads query heads; every preset has {@code dim / heads} as its head dimension
 * @param kvHeads key/value heads ({@code num_key_value_heads})
 * @param ffnDim the SwiGLU hidden width ({@code intermediate_size})
 * @param vocabularySize rows of the token embedding, and tokens in the vocabulary
 * @param normalTokens byte-level BPE tokens at ids {@code 0 ..}; the family's special tokens follow,
 *     then padding up to {@code vocabularySize}
 * @param contextLength {@code max_position_embeddings}
 * @param ropeTheta {@code rope_theta}
 * @param rmsEps {@code rms_norm_eps}
 * @param tiedEmbeddings no {@code output.weight}: the output projection is the token embedding
 * @param ropeScaling Llama 3's long-context RoPE ({@code rope_scaling.rope_type = llama3}), or null
 */
public record Preset(String cliName, String displayName, Family family, int dim, int layers, int heads, int kvHeads,
                     int ffnDim, int vocabularySize, int normalTokens, int contextLength, double ropeTheta,
                     float rmsEps, boolean tiedEmbeddings, Llama3RopeScaling ropeScaling) {

    /**
     * Qwen/Qwen2.5-0.5B(-Instruct): 896 wide, 24 layers, 14 heads of 64, 2 KV heads, FFN 4864,
     * 151,936 tokens, 32K context, tied embeddings.
     */
    public static final Preset QWEN2_5_0_5B = new Preset("qwen2.5-0.5b", "Qwen2.5 0.5B", Family.QWEN2,
            896, 24, 14, 2, 4864, 151_936, 151_643, 32_768, 1e6, 1e-6f, true, null);

    /** Qwen/Qwen2.5-1.5B-Instruct: 1536 wide, 28 layers, 12 heads of 128, 2 KV heads, FFN 8960, tied. */
    public static final Preset QWEN2_5_1_5B = new Preset("qwen2.5-1.5b", "Qwen2.5 1.5B", Family.QWEN2,
            1536, 28, 12, 2, 8960, 151_936, 151_643, 32_768, 1e6, 1e-6f, true, null);

    /**
     * meta-llama/Llama-3.2-1B(-Instruct): 2048 wide, 16 layers, 32 heads of 64, 8 KV heads, FFN 8192,
     * 128,256 tokens, 128K context with Llama 3 RoPE scaling (factor 32 over 8K), tied embeddings.
     */
    public static final Preset LLAMA_3_2_1B = new Preset("llama-3.2-1b", "Llama 3.2 1B", Family.LLAMA3,
            2048, 16, 32, 8, 8192, 128_256, 128_000, 131_072, 500_000, 1e-5f, true,
            new Llama3RopeScaling(32, 1, 4, 8192));

    /**
     * A few-megabyte model of Qwen2.5-0.5B's kind for tests: heads of 64 with GQA, Q/K/V biases,
     * tied embeddings, and a width (384) that, like 896, is not whole K-quant super-blocks.
     */
    public static final Preset TINY = new Preset("tiny", "tiny", Family.QWEN2,
            384, 4, 6, 2, 512, 2048, 2000, 2048, 1e6, 1e-6f, true, null);

    private static final Preset[] ALL = {QWEN2_5_0_5B, QWEN2_5_1_5B, LLAMA_3_2_1B, TINY};

    public Preset {
        if (dim % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(cliName + ": heads must divide dim and KV heads divide heads");
        }
        if (normalTokens + family.specialTokens().size() > vocabularySize) {
            throw new IllegalArgumentException(cliName + ": " + normalTokens + " tokens and the special ones exceed "
                    + vocabularySize);
        }
    }

    /** Every preset, in the order {@code hearth synth --help} lists them. */
    public static List<Preset> all() {
        return List.of(ALL);
    }

    /**
     * The preset called {@code name} on the command line.
     *
     * @throws IllegalArgumentException naming the presets there are
     */
    public static Preset named(String name) {
        return Arrays.stream(ALL).filter(p -> p.cliName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no preset '" + name + "' (there are "
                        + String.join(", ", Arrays.stream(ALL).map(Preset::cliName).toList()) + ")"));
    }

    public int headDim() {
        return dim / heads;
    }

    public int qDim() {
        return heads * headDim();
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    /** This preset with ({@code true}) or without an {@code output.weight} of its own. */
    public Preset withTiedEmbeddings(boolean tied) {
        return new Preset(cliName, displayName, family, dim, layers, heads, kvHeads, ffnDim, vocabularySize,
                normalTokens, contextLength, ropeTheta, rmsEps, tied, ropeScaling);
    }

    @Override
    public String toString() {
        return cliName;
    }

    /**
     * Llama 3.1's RoPE scaling, which llama.cpp stores as per-frequency divisors in
     * {@code rope_freqs.weight}.
     *
     * @param factor how much longer than {@code originalContext} the model reads
     * @param lowFreqFactor wavelengths above {@code originalContext / lowFreqFactor} are divided by {@code factor}
     * @param highFreqFactor wavelengths below {@code originalContext / highFreqFactor} are kept
     * @param originalContext the pre-training context
     */
    public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {

        /**
         * The divisor of each of the {@code headDim / 2} frequencies, as llama.cpp's
         * {@code convert_hf_to_gguf.py} computes them: 1 for short wavelengths, {@code factor} for
         * long ones, and a smooth blend between.
         */
        public float[] frequencyFactors(int headDim, double theta) {
            double lowFreqWavelength = originalContext / lowFreqFactor;
            double highFreqWavelength = originalContext / highFreqFactor;
            float[] factors = new float[headDim / 2];
            for (int i = 0; i < factors.length; i++) {
                double frequency = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                double wavelength = 2 * Math.PI / frequency;
                if (wavelength < highFreqWavelength) {
                    factors[i] = 1f;
                } else if (wavelength > lowFreqWavelength) {
                    factors[i] = (float) factor;
                } else {
                    double smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
                }
            }
            return factors;
        }
    }
}
