package dev.hearth.train.llama;

import static dev.hearth.train.nn.Reference64.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.train.llama.ParameterLayout.Block;
import dev.hearth.train.llama.ParameterLayout.Slot;
import dev.hearth.train.nn.GradientCheck;
import dev.hearth.train.nn.Reference64;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The whole model's backward pass against finite differences of the whole forward pass composed
 * from {@link Reference64}'s double-precision layers: the wiring (residuals, norms, tied output,
 * grouped heads, ignored targets) on top of each layer's own check.
 */
class ModelGradientTest {
    private static WorkerPool pool;
    private static Kernels kernels;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
        kernels = Kernels.vectorized(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @ParameterizedTest(name = "tied embeddings: {0}, classified in chunks of {1} rows")
    @org.junit.jupiter.params.provider.CsvSource({"false, 8", "true, 8", "false, 3"})
    void everyParameterTensorsGradientMatchesFiniteDifferences(boolean tied, int chunkRows) {
        LlamaShape shape = new LlamaShape(11, 8, 8, 2, 2, 1, 12, 10000, 1e-5f, tied);
        int B = 2;
        int T = 4;
        LlamaParameters parameters = new LlamaParameters(shape);
        TrainableLlama model = new TrainableLlama(shape, parameters.weights(), B, T, kernels, pool,
                (long) chunkRows * shape.vocabularySize());
        Random random = new Random(tied ? 1 : 2 + chunkRows);
        float[] params = parameters.values();
        for (Slot slot : parameters.layout().slots()) {
            for (int i = 0; i < slot.size(); i++) { // gains near 1 as after initialisation, matrices random
                params[(int) slot.offset() + i] = (float) (slot.rows() == 1 ? 1 + 0.2 * random.nextGaussian()
                        : 0.5 * random.nextGaussian());
            }
        }
        int[] tokens = random.ints(B * T, 0, shape.vocabularySize()).toArray();
        int[] targets = random.ints(B * T, 0, shape.vocabularySize()).toArray();
        targets[3] = -1; // a position that does not count
        double loss = model.forward(tokens, targets);
        double[] at = toDouble(params);
        double reference = referenceLoss(shape, parameters.layout(), at, tokens, targets, B, T);
        assertThat(loss).isCloseTo(reference, org.assertj.core.data.Offset.offset(1e-5 * Math.abs(reference)));
        parameters.zeroGradients();
        model.backward(1f);
        for (Slot slot : parameters.layout().slots()) {
            int[] sample = random.ints(Math.min(slot.size(), 10), 0, slot.size())
                    .map(i -> (int) slot.offset() + i).toArray();
            GradientCheck.check(slot.name(), p -> referenceLoss(shape, parameters.layout(), p, tokens, targets, B, T),
                    at, parameters.gradients(), 0, sample);
        }
    }

    /** The mean loss of the model in double precision, layer by layer as {@link TrainableLlama}'s comment. */
    static double referenceLoss(LlamaShape s, ParameterLayout layout, double[] p, int[] tokens, int[] targets, int B,
            int T) {
        int N = B * T;
        int dim = s.dim();
        float[] inv = Rope.of(s.headDim(), s.ropeTheta(), 1f, null, false).invFrequencies();
        double[] x = new double[N * dim];
        for (int r = 0; r < N; r++) {
            System.arraycopy(p, (int) layout.tokenEmbedding().offset() + tokens[r] * dim, x, r * dim, dim);
        }
        for (Block b : layout.blocks()) {
            double[] xn = Reference64.rmsNorm(x, N, dim, slice(p, b.attentionNorm()), s.rmsEps());
            double[] q = Reference64.rope(Reference64.linear(xn, N, dim, slice(p, b.wq()), dim), N, T, s.heads(),
                    s.headDim(), inv, false);
            double[] k = Reference64.rope(Reference64.linear(xn, N, dim, slice(p, b.wk()), s.kvDim()), N, T,
                    s.kvHeads(), s.headDim(), inv, false);
            double[] v = Reference64.linear(xn, N, dim, slice(p, b.wv()), s.kvDim());
            double[] att = Reference64.attention(q, k, v, B, T, s.heads(), s.kvHeads(), s.headDim());
            x = plus(x, Reference64.linear(att, N, dim, slice(p, b.wo()), dim));
            xn = Reference64.rmsNorm(x, N, dim, slice(p, b.ffnNorm()), s.rmsEps());
            double[] h = Reference64.swiGlu(Reference64.linear(xn, N, dim, slice(p, b.gate()), s.ffnDim()),
                    Reference64.linear(xn, N, dim, slice(p, b.up()), s.ffnDim()));
            x = plus(x, Reference64.linear(h, N, s.ffnDim(), slice(p, b.down()), dim));
        }
        double[] xn = Reference64.rmsNorm(x, N, dim, slice(p, layout.outputNorm()), s.rmsEps());
        double[] logits = Reference64.linear(xn, N, dim, slice(p, layout.output()), s.vocabularySize());
        long counted = Arrays.stream(targets).filter(t -> t >= 0).count();
        return Reference64.crossEntropy(logits, targets, N, s.vocabularySize()) / counted;
    }

    private static double[] slice(double[] p, Slot slot) {
        return Arrays.copyOfRange(p, (int) slot.offset(), (int) slot.offset() + slot.size());
    }

    private static double[] plus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
