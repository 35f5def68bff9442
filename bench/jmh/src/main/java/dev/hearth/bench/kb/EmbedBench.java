package dev.hearth.bench.kb;

import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.embed.Embedders;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Part {@code embed}: sentences and tokens per second of bge-small-zh-v1.5, Hearth's encoder
 * against ONNX Runtime's (LangChain4j's pipeline over the same ONNX file), one sentence per call,
 * on the same fixed sentence mix, each after warm-up passes over all of it.
 *
 * <p>Rows: Hearth's embedder as knowledge bases get it ({@link Embedders#defaultModel}) on
 * {@code threads} threads, LangChain4j's
 * {@code BgeSmallZhV15EmbeddingModel} as it comes (ONNX Runtime's default session: one intra-op
 * thread per physical core), and the same pipeline with {@code threads} intra-op threads. Tokens
 * are counted with Hearth's tokenizer, which gives Hugging Face's ids for this model
 * (BgeSmallZhReferenceIT). The last column is the smallest cosine between a row's vector and
 * ONNX Runtime's for the same sentence: a check that every row computes the same thing.
 */
final class EmbedBench {

    /** One way to embed a sentence. */
    private interface Encoder {
        float[] embed(String sentence);
    }

    private record Row(String engine, String threads, double sentencesPerSecond, double tokensPerSecond,
                       double minCosine) {
    }

    private final Path modelsDir;
    private final int threads;
    private final int sentenceCount;
    private final int warmupPasses;
    private final double seconds;

    EmbedBench(Path modelsDir, int threads, int sentenceCount, int warmupPasses, double seconds) {
        this.modelsDir = modelsDir;
        this.threads = threads;
        this.sentenceCount = sentenceCount;
        this.warmupPasses = warmupPasses;
        this.seconds = seconds;
    }

    void run() throws Exception {
        List<String> sentences = GeneratedText.sentenceMix(sentenceCount);
        List<Row> rows = new ArrayList<>();
        try (Embedder hearth = Embedders.defaultModel(modelsDir, threads)) {
            int tokens = 0;
            int longest = 0;
            for (String s : sentences) {
                int n = hearth.countTokens(s);
                tokens += n;
                longest = Math.max(longest, n);
            }
            System.out.printf("sentences:  %d (half Chinese, half English; half 15-40 chars, half ~200), %d tokens "
                    + "in all, %d at most; %d warm-up pass(es), then whole passes for at least %.0f s%n",
                    sentences.size(), tokens, longest, warmupPasses, seconds);
            System.out.println();

            EmbeddingModel defaultOrt = new BgeSmallZhV15EmbeddingModel();
            List<float[]> reference = new ArrayList<>();
            for (String s : sentences) {
                reference.add(defaultOrt.embed(s).content().vector());
            }
            rows.add(measure("Hearth (Embedders.defaultModel)", Integer.toString(threads),
                    s -> hearth.embedPassages(List.of(s)).getFirst(), sentences, tokens, reference));
            rows.add(measure("ONNX Runtime 1.20.0 via LangChain4j BgeSmallZhV15EmbeddingModel (as it comes)",
                    "ORT default (" + Machine.physicalCores() + " physical cores)",
                    s -> defaultOrt.embed(s).content().vector(), sentences, tokens, reference));
            OnnxRuntimeBge ort = OnnxRuntimeBge.withThreads(threads);
            rows.add(measure("ONNX Runtime 1.20.0 via LangChain4j, intra-op threads set", Integer.toString(threads),
                    s -> ort.embed(s).content().vector(), sentences, tokens, reference));
        }
        System.out.println("| engine | threads | sentences/s | tokens/s | × ONNX Runtime (same threads) | min cos vs ORT |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
        double ortSameThreads = rows.getLast().sentencesPerSecond();
        for (Row row : rows) {
            System.out.printf("| %s | %s | %.1f | %.0f | %.2f | %.5f |%n", row.engine(), row.threads(),
                    row.sentencesPerSecond(), row.tokensPerSecond(), row.sentencesPerSecond() / ortSameThreads,
                    row.minCosine());
        }
    }

    private Row measure(String engine, String threadsUsed, Encoder encoder, List<String> sentences, int tokens,
                        List<float[]> reference) {
        double minCosine = 1;
        for (int pass = 0; pass < warmupPasses; pass++) {
            for (int i = 0; i < sentences.size(); i++) {
                float[] v = encoder.embed(sentences.get(i));
                if (pass == 0) {
                    minCosine = Math.min(minCosine, dot(v, reference.get(i)));
                }
            }
        }
        long start = System.nanoTime();
        long elapsed;
        int passes = 0;
        do {
            for (String s : sentences) {
                encoder.embed(s);
            }
            passes++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < seconds * 1e9);
        double s = elapsed / 1e9;
        System.err.printf("embed: %s: %d pass(es) in %.1f s%n", engine, passes, s);
        return new Row(engine, threadsUsed, passes * sentences.size() / s, passes * (double) tokens / s, minCosine);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
