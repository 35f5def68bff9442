package dev.hearth.model.arch.bert;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.model.convert.BgeSmallZh;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway speed check, not a test: bge-small-zh-v1.5 (imported from the test classpath) embedding
 * the reference test's sentences, cut or repeated to exactly {@code tokens} tokens (50 for short
 * queries, 400 for knowledge-base passages), for {@code rounds} rounds of about two seconds each.
 * Run with {@code java --add-modules jdk.incubator.vector -cp <test classpath>
 * dev.hearth.model.arch.bert.BertEncoderSpeed [threads] [tokens] [rounds]}.
 */
final class BertEncoderSpeed {

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        try (WorkerPool pool = new WorkerPool(threads);
                EmbeddingModel model = Models.openEmbedding(BgeSmallZh.gguf(),
                        ModelOptions.defaults().withKernels(Kernels.vectorized(pool)))) {
            List<int[]> inputs = new ArrayList<>();
            for (String sentence : BgeSmallZhReferenceIT.SENTENCES) {
                StringBuilder text = new StringBuilder(sentence);
                while (model.tokenize(text.toString()).length < length) {
                    text.append(' ').append(sentence);
                }
                int[] tokens = model.tokenize(text.toString());
                inputs.add(java.util.Arrays.copyOf(tokens, length));
            }
            int next = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                int sentences = 0;
                while (System.nanoTime() - start < 2_000_000_000L) { // checked per input: a long one takes a second
                    model.embed(inputs.get(next++ % inputs.size()));
                    sentences++;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%d threads, %d tokens: %.1f sentences/s, %.0f tokens/s%n", threads, length,
                        sentences / seconds, sentences * (double) length / seconds);
            }
        }
    }
}
