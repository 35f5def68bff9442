package dev.hearth.train.optim;

/**
 * Linear warm-up from 0 to {@code maxLr} over {@code warmupSteps}, then a cosine decay to
 * {@code minLr} at {@code totalSteps}, and {@code minLr} after.
 */
public record LearningRateSchedule(float maxLr, float minLr, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (!(maxLr > 0) || !(minLr >= 0) || minLr > maxLr) {
            throw new IllegalArgumentException("learning rates must satisfy 0 <= min <= max, max > 0; got min " + minLr
                    + ", max " + maxLr);
        }
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("warm-up steps must not be negative and total steps positive, got "
                    + warmupSteps + " and " + totalSteps);
        }
    }

    /** The rate for step {@code step} (counted from 0). */
    public float at(long step) {
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return (float) (minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}
