package dev.hearth.model.sampling;

/**
 * Divides the logits by the temperature: below 1 sharpens the distribution, above 1 flattens it.
 * Temperature 0 is the limit of sharpening, so only the most likely token is kept (the first on a tie).
 */
record Temperature(float temperature) implements Sampler {

    Temperature {
        SamplingParams.checkTemperature(temperature);
    }

    @Override
    public void apply(Candidates candidates) {
        if (temperature == 0) {
            candidates.sortDescending(1);
            candidates.truncate(1);
        } else if (temperature != 1) {
            candidates.divideLogits(temperature);
        }
    }
}
