package dev.hearth.model.sampling;

/**
 * Keeps the tokens at least p times as likely as the most likely one. Compared as logits,
 * {@code logit >= maxLogit + ln p}, so no softmax is needed; the most likely token always stays.
 */
record MinP(float p) implements Sampler {

    MinP {
        SamplingParams.checkMinP(p);
    }

    @Override
    public void apply(Candidates candidates) {
        if (p > 0) {
            candidates.removeLogitsBelow(candidates.maxLogit() + (float) StrictMath.log(p));
        }
    }
}
