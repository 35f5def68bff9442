package dev.hearth.train.nn;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;

/**
 * Softmax cross-entropy of rows of logits against target ids, a target below 0 marking a row that
 * does not count (padding, or a prompt token in fine-tuning). Both passes turn the logits into
 * probabilities in place ({@link Kernels#softmax}, the vectorized exponential); the backward pass
 * then makes them the gradient. A caller that needs the logits again computes them again.
 */
public final class CrossEntropy {
    private final WorkerPool pool;
    private final Kernels kernels;
    private final double[] rowLoss;
    private final WorkerPool.Range forwardTask = this::forwardRange;
    private final WorkerPool.Range backwardTask = this::backwardRange;
    private float[] logits;
    private int[] targets;
    private int vocab;
    private float factor;

    /** @param kernels for the softmax (called from the pool's threads: they must not use the pool) */
    public CrossEntropy(WorkerPool pool, Kernels kernels, int maxRows) {
        this.pool = pool;
        this.kernels = kernels;
        this.rowLoss = new double[maxRows];
    }

    /**
     * The summed loss {@code Σ −log softmax(logits_r)[target_r]} over rows that count; leaves the
     * probabilities in {@code logits}.
     */
    public double forward(float[] logits, int[] targets, int rows, int vocab) {
        this.logits = logits;
        this.targets = targets;
        this.vocab = vocab;
        try {
            pool.forRanges(rows, Math.max(1, rows / (4 * pool.threads())), forwardTask);
        } finally {
            this.logits = null;
            this.targets = null;
        }
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += rowLoss[r]; // in row order: the same sum for any thread count
        }
        return sum;
    }

    /**
     * Replaces the logits with {@code d(factor · loss)/d(logits) = factor · (softmax − onehot)},
     * zero for rows that do not count. Takes the logits, not {@link #forward}'s probabilities.
     */
    public void backward(float[] logits, int[] targets, int rows, int vocab, float factor) {
        this.logits = logits;
        this.targets = targets;
        this.vocab = vocab;
        this.factor = factor;
        try {
            pool.forRanges(rows, Math.max(1, rows / (4 * pool.threads())), backwardTask);
        } finally {
            this.logits = null;
            this.targets = null;
        }
    }

    private void forwardRange(int from, int to) {
        for (int r = from; r < to; r++) {
            int target = targets[r];
            if (target < 0) {
                rowLoss[r] = 0;
                continue;
            }
            kernels.softmax(logits, r * vocab, vocab);
            // a probability that underflows to 0 counts as the smallest float's: a loss of about 103 nats
            rowLoss[r] = -Math.log(Math.max(logits[r * vocab + target], Float.MIN_VALUE));
        }
    }

    private void backwardRange(int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * vocab;
            int target = targets[r];
            if (target < 0) {
                java.util.Arrays.fill(logits, base, base + vocab, 0f);
                continue;
            }
            kernels.softmax(logits, base, vocab);
            kernels.scale(logits, base, factor, vocab);
            logits[base + target] -= factor;
        }
    }
}
