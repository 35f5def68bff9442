package dev.hearth.compute.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void theCpuBackendMultipliesWithItsThreadsAndDescribesItself() {
        try (Backend cpu = Backend.cpu(2)) {
            assertThat(cpu.description()).startsWith("cpu, 2 threads, ").endsWith("-bit vectors");
            Tensor w = Tensor.ofFloats("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
            float[] y = new float[2];
            cpu.kernels().matMul(w, new float[] {1, 0, -1}, 0, y, 0, 1);
            assertThat(y).containsExactly(-2f, -2f);
        }
    }
}
