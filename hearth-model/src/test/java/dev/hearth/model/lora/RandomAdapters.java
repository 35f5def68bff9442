package dev.hearth.model.lora;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random LoRA adapters for tests, shaped for a base model file: factors on every
 * {@link LoraTarget} of every block, drawn so that at user scale 1 an adapter moves each target's
 * output by about a fifth of the base product's size (A ~ N(0, 1/in), so {@code A·x} is of order
 * one; B ~ N(0, 0.04/rank); alpha = rank, so the scale is the user's).
 */
public final class RandomAdapters {
    private RandomAdapters() {
    }

    /** An adapter of rank {@code rank} for the model in {@code base}. */
    public static LoraAdapter of(Path base, int rank, long seed) throws IOException {
        Random random = new Random(seed);
        Map<String, LoraAdapter.Factors> factors = new LinkedHashMap<>();
        String architecture;
        try (GgufFile file = GgufFile.open(base)) {
            architecture = file.metadata().getString("general.architecture");
            for (GgufTensorInfo info : file.tensors()) {
                if (LoraTarget.of(info.name()).isPresent()) {
                    int in = (int) info.shape().dim(0);
                    int out = (int) info.shape().dim(1);
                    factors.put(info.name(), new LoraAdapter.Factors(rank, in, out,
                            gaussian(random, rank * in, 1 / Math.sqrt(in)),
                            gaussian(random, out * rank, 0.2 / Math.sqrt(rank))));
                }
            }
        }
        return new LoraAdapter(null, architecture, rank, factors);
    }

    /** {@link #of} written to {@code file} with {@link LoraAdapters#write}. */
    public static Path write(Path base, int rank, long seed, Path file) throws IOException {
        LoraAdapters.write(of(base, rank, seed), file);
        return file;
    }

    private static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (std * random.nextGaussian());
        }
        return v;
    }
}
