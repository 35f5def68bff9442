package dev.hearth.model.convert;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.Vocabulary;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Converts a llama2.c checkpoint and its tokenizer into a GGUF file that llama.cpp loads as
 * architecture {@code llama}, with the weights in float32 exactly as the checkpoint stores them.
 *
 * <p>The weights are never copied onto the heap: slices of the mapped checkpoint go straight to
 * {@link GgufWriter}, which streams them into the output.
 */
public final class Llama2cConverter {
    // llama2.c's run.c hard-codes both; GGUF wants them stated
    private static final float ROPE_FREQ_BASE = 10000f;
    private static final float RMS_NORM_EPSILON = 1e-5f;

    private Llama2cConverter() {}

    /**
     * Writes {@code output} (atomically, replacing an existing file) from a checkpoint in the legacy
     * or version-1 format and a tokenizer file with exactly the checkpoint's {@code vocab_size} tokens.
     *
     * @throws Llama2cFormatException if either input is malformed or they do not belong together
     * @throws IOException if a file cannot be read or written, or {@code output} is one of the inputs
     */
    public static ConvertedModel convert(Path checkpoint, Path tokenizer, Path output) throws IOException {
        refuseToReplaceAnInput(output, checkpoint, tokenizer);
        try (Llama2cCheckpoint model = Llama2cCheckpoint.open(checkpoint)) {
            Llama2cConfig config = model.config();
            Llama2cTokenizerFile tokens = Llama2cTokenizerFile.read(tokenizer);
            if (tokens.pieces().size() != config.vocabSize()) {
                throw new Llama2cFormatException(tokenizer, "vocabulary", -1, "holds " + tokens.pieces().size()
                        + " tokens, but " + checkpoint.getFileName() + " has vocab_size " + config.vocabSize()
                        + " (a tokenizer for a different model?)");
            }
            GgufWriter gguf = new GgufWriter();
            putModelMetadata(gguf, modelName(checkpoint), config);
            putVocabulary(gguf, tokens.toVocabulary());
            TensorCount count = addTensors(gguf, config, model.weights());
            gguf.write(output);
            return new ConvertedModel(output, count.tensors, count.parameters, Files.size(output));
        }
    }

    private static void refuseToReplaceAnInput(Path output, Path... inputs) throws IOException {
        for (Path input : inputs) {
            if (Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input)) {
                throw new IOException(output + ": is one of the inputs; choose another output file");
            }
        }
    }

    /** The file name without its extension: {@code stories260K.bin} → {@code stories260K}. */
    private static String modelName(Path checkpoint) {
        String file = checkpoint.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private static void putModelMetadata(GgufWriter gguf, String name, Llama2cConfig c) {
        gguf.putString("general.architecture", "llama");
        gguf.putString("general.name", name);
        gguf.putUInt32("general.file_type", 0); // LLAMA_FTYPE_ALL_F32
        gguf.putUInt32("llama.context_length", c.seqLen());
        gguf.putUInt32("llama.embedding_length", c.dim());
        gguf.putUInt32("llama.feed_forward_length", c.hiddenDim());
        gguf.putUInt32("llama.block_count", c.layers());
        gguf.putUInt32("llama.attention.head_count", c.heads());
        gguf.putUInt32("llama.attention.head_count_kv", c.kvHeads());
        gguf.putUInt32("llama.rope.dimension_count", c.headSize());
        gguf.putFloat32("llama.rope.freq_base", ROPE_FREQ_BASE);
        gguf.putFloat32("llama.attention.layer_norm_rms_epsilon", RMS_NORM_EPSILON);
    }

    private static void putVocabulary(GgufWriter gguf, Vocabulary vocabulary) {
        int n = vocabulary.size();
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int id = 0; id < n; id++) {
            scores[id] = vocabulary.score(id);
            types[id] = vocabulary.type(id).id();
        }
        gguf.putString(GgufVocabularies.MODEL, "llama");
        gguf.putString(GgufVocabularies.PRE, "default");
        gguf.putStringArray(GgufVocabularies.TOKENS, vocabulary.tokens());
        gguf.putFloat32Array(GgufVocabularies.SCORES, scores);
        gguf.putInt32Array(GgufVocabularies.TOKEN_TYPES, types);
        gguf.putUInt32("tokenizer.ggml.bos_token_id", Llama2cTokenizerFile.BOS_ID);
        gguf.putUInt32("tokenizer.ggml.eos_token_id", Llama2cTokenizerFile.EOS_ID);
        gguf.putUInt32("tokenizer.ggml.unknown_token_id", Llama2cTokenizerFile.UNKNOWN_ID);
        gguf.putBool("tokenizer.ggml.add_bos_token", true);
        gguf.putBool("tokenizer.ggml.add_eos_token", false);
    }

    /**
     * Adds every tensor under llama.cpp's names. GGUF shapes list the contiguous dimension first,
     * so llama2.c's row-major {@code [out][in]} matrix is {@code Shape.of(in, out)} with the same bytes.
     *
     * <p>Q and K are written unpermuted. llama2.c's {@code run.c} rotates the interleaved pairs
     * (2i, 2i+1) of each head, and so does llama.cpp's {@code llama} architecture (rope type
     * "normal", not NeoX), with the same angle {@code pos * base^(-2i/head_size)}.
     * {@code convert_hf_to_gguf.py} permutes Q/K only because Hugging Face checkpoints were
     * re-ordered for rotate-half RoPE (pairs (i, i + head_size/2)); llama2.c checkpoints carry
     * Meta's interleaved order, and llama.cpp's own {@code convert-llama2c-to-ggml} copies them as
     * they are.
     */
    private static TensorCount addTensors(GgufWriter gguf, Llama2cConfig c, Llama2cWeights w) {
        TensorCount count = new TensorCount(gguf);
        count.add("token_embd.weight", Shape.of(c.dim(), c.vocabSize()), w.tokenEmbeddings());
        for (int l = 0; l < c.layers(); l++) {
            Llama2cWeights.Layer layer = w.layers().get(l);
            String blk = "blk." + l + ".";
            count.add(blk + "attn_norm.weight", Shape.of(c.dim()), layer.attentionNorm());
            count.add(blk + "attn_q.weight", Shape.of(c.dim(), c.dim()), layer.wq());
            count.add(blk + "attn_k.weight", Shape.of(c.dim(), c.kvDim()), layer.wk());
            count.add(blk + "attn_v.weight", Shape.of(c.dim(), c.kvDim()), layer.wv());
            count.add(blk + "attn_output.weight", Shape.of(c.dim(), c.dim()), layer.wo());
            count.add(blk + "ffn_norm.weight", Shape.of(c.dim()), layer.ffnNorm());
            count.add(blk + "ffn_gate.weight", Shape.of(c.dim(), c.hiddenDim()), layer.w1());
            count.add(blk + "ffn_down.weight", Shape.of(c.hiddenDim(), c.dim()), layer.w2());
            count.add(blk + "ffn_up.weight", Shape.of(c.dim(), c.hiddenDim()), layer.w3());
        }
        count.add("output_norm.weight", Shape.of(c.dim()), w.finalNorm());
        // without output.weight llama.cpp ties the classifier to token_embd, as a shared llama2.c checkpoint does
        w.classifier().ifPresent(cls -> count.add("output.weight", Shape.of(c.dim(), c.vocabSize()), cls));
        return count;
    }

    /** Adds float32 tensors to a writer, counting them and their elements for the summary. */
    private static final class TensorCount {
        private final GgufWriter gguf;
        private int tensors;
        private long parameters;

        TensorCount(GgufWriter gguf) {
            this.gguf = gguf;
        }

        void add(String name, Shape shape, MemorySegment data) {
            gguf.addTensor(name, GgmlType.F32, shape, data);
            tensors++;
            parameters += shape.elementCount();
        }
    }
}
