package dev.hearth.model.arch.transformer;

import dev.hearth.compute.spi.Backend;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufValueType;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A throwaway speed check, not a test: prompt processing and generation on a random model of
 * Qwen2.5-0.5B's shape (896 wide, 24 layers, 14 query and 2 KV heads of 64, feed-forward 4864, a
 * 151,936-token vocabulary, tied output), every matrix in one type. The model is written once to
 * {@code /tmp/hearth-speed/} and reused. Run with
 * {@code java --add-modules jdk.incubator.vector -Xmx8g -cp <test classpath>
 * dev.hearth.model.arch.transformer.DecodeSpeed TYPE [threads] [layers] [prompt] [generated]}
 * ({@code -Drounds=N}, default 4; {@code -Djfr=file} profiles round 2).
 */
final class DecodeSpeed {

    private static final int VOCAB = 151_936;

    public static void main(String[] args) throws Exception {
        GgmlType type = GgmlType.valueOf(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int promptLength = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int generated = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        Path file = Path.of("/tmp/hearth-speed/qwen05-" + layers + "-" + type + ".gguf");
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            long t0 = System.nanoTime();
            build(layers).quantized(type).write(file);
            System.out.printf("wrote %s in %.1f s%n", file, (System.nanoTime() - t0) / 1e9);
        }
        int[] prompt = new int[promptLength];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 3 + random.nextInt(VOCAB - 3);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Backend backend = Backend.cpu(threads);
             Model model = Models.open(file, ModelOptions.defaults().withKernels(backend.kernels()))) {
            System.out.printf("%s, %s, %d layers%n", type, backend.description(), layers);
            float[] logits = new float[VOCAB];
            int[] token = new int[1];
            long[] workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("hearth-worker-")).mapToLong(Thread::threadId).toArray();
            jdk.jfr.Recording recording = null;
            for (int round = 0; round < Integer.getInteger("rounds", 4); round++) {
                if (round == 2 && System.getProperty("jfr") != null) {
                    recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                    recording.setDestination(Path.of(System.getProperty("jfr")));
                    recording.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
                    recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
                    recording.start();
                }
                try (KvCache cache = model.newCache(promptLength + generated + 1, KvPrecision.F16)) {
                    long cpu0 = cpuTime(mx, workers);
                    long t0 = System.nanoTime();
                    model.forward(cache, prompt, logits);
                    long t1 = System.nanoTime();
                    long cpu1 = cpuTime(mx, workers);
                    token[0] = argmax(logits);
                    long allocated = mx.getCurrentThreadAllocatedBytes();
                    long workerAllocated = sum(mx.getThreadAllocatedBytes(workers));
                    long t2 = System.nanoTime();
                    for (int i = 0; i < generated; i++) {
                        model.forward(cache, token, logits);
                        token[0] = argmax(logits);
                    }
                    long t3 = System.nanoTime();
                    long cpu3 = cpuTime(mx, workers);
                    allocated = mx.getCurrentThreadAllocatedBytes() - allocated;
                    workerAllocated = sum(mx.getThreadAllocatedBytes(workers)) - workerAllocated;
                    System.out.printf("round %d: pp%d %7.1f tok/s   tg%d %6.2f tok/s   %d + %d bytes/token (caller + workers)"
                                    + "   cpu ms/token pp %.2f tg %.2f%n",
                            round, promptLength, promptLength / ((t1 - t0) / 1e9), generated,
                            generated / ((t3 - t2) / 1e9), allocated / generated, workerAllocated / generated,
                            (cpu1 - cpu0) / 1e6 / promptLength, (cpu3 - cpu1) / 1e6 / generated);
                }
            }
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
    }

    /**
     * CPU time of this thread and the workers, in ns: with one thread, a measure of work that a
     * busy machine disturbs less than wall-clock time (with more, it includes the workers' spinning).
     */
    private static long cpuTime(com.sun.management.ThreadMXBean mx, long[] workers) {
        long total = mx.getCurrentThreadCpuTime();
        for (long id : workers) {
            total += Math.max(0, mx.getThreadCpuTime(id));
        }
        return total;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Qwen2.5-0.5B's shape with random weights; the layers share one set of values to save time. */
    private static SyntheticModel build(int layers) {
        SyntheticModel m = SyntheticModel.of(new SyntheticModel.Spec("qwen2", 64, 1, 4, 2, 16, 64, 64, 1e6, true,
                false, false, true, 5));
        m.tensors.clear();
        String a = "qwen2";
        m.metadata.put(a + ".context_length", u32(32768));
        m.metadata.put(a + ".embedding_length", u32(896));
        m.metadata.put(a + ".block_count", u32(layers));
        m.metadata.put(a + ".feed_forward_length", u32(4864));
        m.metadata.put(a + ".attention.head_count", u32(14));
        m.metadata.put(a + ".attention.head_count_kv", u32(2));
        padVocabulary(m);
        SplittableRandom random = new SplittableRandom(7);
        int dim = 896;
        int kv = 128;
        int ffn = 4864;
        float[] q = gaussian(random, dim * dim, 1 / Math.sqrt(dim));
        float[] k = gaussian(random, kv * dim, 1 / Math.sqrt(dim));
        float[] v = gaussian(random, kv * dim, 1 / Math.sqrt(dim));
        float[] o = gaussian(random, dim * dim, 1 / Math.sqrt(dim));
        float[] gate = gaussian(random, ffn * dim, 1 / Math.sqrt(dim));
        float[] up = gaussian(random, ffn * dim, 1 / Math.sqrt(dim));
        float[] down = gaussian(random, dim * ffn, 1 / Math.sqrt(ffn));
        m.tensors.put("token_embd.weight", matrix(gaussian(random, VOCAB * dim, 1), VOCAB, dim));
        for (int i = 0; i < layers; i++) {
            m.tensors.put(DecoderWeights.blk(i, "attn_norm.weight"), vector(random, dim, 1, 0.1));
            m.tensors.put(DecoderWeights.blk(i, "attn_q.weight"), matrix(q, dim, dim));
            m.tensors.put(DecoderWeights.blk(i, "attn_k.weight"), matrix(k, kv, dim));
            m.tensors.put(DecoderWeights.blk(i, "attn_v.weight"), matrix(v, kv, dim));
            m.tensors.put(DecoderWeights.blk(i, "attn_q.bias"), vector(random, dim, 0, 0.2));
            m.tensors.put(DecoderWeights.blk(i, "attn_k.bias"), vector(random, kv, 0, 0.2));
            m.tensors.put(DecoderWeights.blk(i, "attn_v.bias"), vector(random, kv, 0, 0.2));
            m.tensors.put(DecoderWeights.blk(i, "attn_output.weight"), matrix(o, dim, dim));
            m.tensors.put(DecoderWeights.blk(i, "ffn_norm.weight"), vector(random, dim, 1, 0.1));
            m.tensors.put(DecoderWeights.blk(i, "ffn_gate.weight"), matrix(gate, ffn, dim));
            m.tensors.put(DecoderWeights.blk(i, "ffn_up.weight"), matrix(up, ffn, dim));
            m.tensors.put(DecoderWeights.blk(i, "ffn_down.weight"), matrix(down, dim, ffn));
        }
        m.tensors.put("output_norm.weight", vector(random, dim, 1, 0.1));
        return m;
    }

    /** The synthetic vocabulary followed by unused pieces up to Qwen's size. */
    private static void padVocabulary(SyntheticModel m) {
        List<GgufValue> tokens = new ArrayList<>(((GgufValue.Array) m.metadata.get("tokenizer.ggml.tokens")).elements());
        List<GgufValue> scores = new ArrayList<>(((GgufValue.Array) m.metadata.get("tokenizer.ggml.scores")).elements());
        List<GgufValue> types = new ArrayList<>(((GgufValue.Array) m.metadata.get("tokenizer.ggml.token_type")).elements());
        for (int id = tokens.size(); id < VOCAB; id++) {
            tokens.add(GgufValue.Str.of("<pad" + id + ">"));
            scores.add(new GgufValue.Float32(-id));
            types.add(new GgufValue.Int(GgufValueType.INT32, 1));
        }
        m.metadata.put("tokenizer.ggml.tokens", new GgufValue.Array(GgufValueType.STRING, tokens));
        m.metadata.put("tokenizer.ggml.scores", new GgufValue.Array(GgufValueType.FLOAT32, scores));
        m.metadata.put("tokenizer.ggml.token_type", new GgufValue.Array(GgufValueType.INT32, types));
    }

    private static SyntheticModel.Weight matrix(float[] values, int rows, int cols) {
        return new SyntheticModel.Weight(values, new long[] {cols, rows}, GgmlType.F32);
    }

    private static SyntheticModel.Weight vector(SplittableRandom random, int n, double mean, double std) {
        float[] v = gaussian(random, n, std);
        for (int i = 0; i < n; i++) {
            v[i] += (float) mean;
        }
        return new SyntheticModel.Weight(v, new long[] {n}, GgmlType.F32);
    }

    /** Approximately Gaussian (a sum of four uniforms), fast enough for half a billion weights. */
    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] v = new float[n];
        double s = std * Math.sqrt(3.0);
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() + random.nextDouble() + random.nextDouble() + random.nextDouble() - 2.0;
            v[i] = (float) (u * s);
        }
        return v;
    }

    private static GgufValue u32(long value) {
        return new GgufValue.Int(GgufValueType.UINT32, value);
    }
}
