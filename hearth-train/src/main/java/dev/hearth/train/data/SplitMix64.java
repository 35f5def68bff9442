package dev.hearth.train.data;

/**
 * Steele, Lea and Flood's SplitMix64: a random generator whose whole state is one {@code long},
 * so a checkpoint saves it and a resumed run draws exactly the numbers it would have drawn.
 */
public final class SplitMix64 {
    private long state;

    public SplitMix64(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, bound)}, without modulo bias (Lemire's multiply-and-reject). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        while (true) {
            long r = nextLong() >>> 32;
            long product = r * bound;
            if ((product & 0xFFFFFFFFL) >= (0x1_0000_0000L % bound)) {
                return (int) (product >>> 32);
            }
        }
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal draw (Box–Muller; two uniform draws per call, none cached). */
    public double nextGaussian() {
        double u = 1 - nextDouble(); // (0, 1]
        double w = nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    /** The whole state, for a checkpoint. */
    public long state() {
        return state;
    }
}
