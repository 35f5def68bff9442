package dev.hearth.train.nn;

import dev.hearth.compute.kernels.WorkerPool;

/**
 * Softmax cross-entropy of rows of logits against target ids, a target below 0 marking a row that
 * does not count (padding, or a prompt token in fine-tuning). The forward pass keeps each row's
 * log-sum-exp; the backward pass turns the logits into their gradient in place.
 */
public final class CrossEntropy {
    private final WorkerPool pool;
    private final float[] logSumExp;
    private final double[] rowLoss;
    private final WorkerPool.Range forwardTask = this::forwardRange;
    private final WorkerPool.Range backwardTask = this::backwardRange;
    private float[] logits;
    private int[] targets;
    private int vocab;
    private float factor;

    public CrossEntropy(WorkerPool pool, int maxRows) {
        this.pool = pool;
        this.logSumExp = new float[maxRows];
        this.rowLoss = new double[maxRows];
    }

    /** The summed loss {@code Σ (lse(logits_r) − logits_r[target_r])} over rows that count. */
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
     * zero for rows that do not count.
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
            int base = r * vocab;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, logits[base + j]);
            }
            float sum = 0f;
            for (int j = 0; j < vocab; j++) {
                sum += (float) Math.exp(logits[base + j] - max);
            }
            float lse = max + (float) Math.log(sum);
            logSumExp[r] = lse;
            int target = targets[r];
            rowLoss[r] = target < 0 ? 0 : lse - logits[base + target];
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
            float lse = logSumExp[r];
            for (int j = 0; j < vocab; j++) {
                logits[base + j] = factor * (float) Math.exp(logits[base + j] - lse);
            }
            logits[base + target] -= factor;
        }
    }
}
