package dev.hearth.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused kernels as the JIT compiles them, in a JVM of their own ({@link KernelWorkout}, with
 * {@code -Xbatch} so that every compilation finishes before the code runs on): none fails to
 * compile, and none allocates once compiled.
 *
 * <p>Both failures leave every result right and make a model several times slower, so no other
 * test notices them. A kernel method too large for C1 ("out of virtual registers") never reaches
 * C2 and runs the Vector API's Java fallback; a helper that C2 leaves as a call (node budget,
 * call-site frequency) has every vector crossing it allocated on the heap, about a hundred bytes
 * per vector per row.
 */
class KernelCompilationTest {

    /** Room for the odd object of the pool's or the JVM's own threads; one boxed vector per row is far more. */
    private static final long BYTES_PER_PRODUCT = 64;
    private static final Pattern ALLOCATED = Pattern.compile("^allocated (\\w+) (\\d+)$", Pattern.MULTILINE);

    /** The machine's own vector width; on x86 also AVX2's eight lanes, which AVX-512 machines would skip. */
    static Stream<List<String>> vectorWidths() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64")
                ? Stream.of(List.of(), List.of("-XX:UseAVX=2")) : Stream.of(List.of());
    }

    @ParameterizedTest
    @MethodSource("vectorWidths")
    void everyFusedKernelCompilesAndAllocatesNothingOnceCompiled(List<String> flags)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xbatch", "-XX:+PrintCompilation", "-Xmx512m"));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelWorkout.class.getName()));
        Process workout = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(workout.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(workout.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(workout.exitValue()).as(output).isZero();

        List<String> skipped = output.lines()
                .filter(line -> line.contains("COMPILE SKIPPED") && line.contains("dev.hearth.compute"))
                .toList();
        assertThat(skipped).as("methods the JIT gave up on").isEmpty();

        Map<String, Long> allocated = ALLOCATED.matcher(output).results()
                .collect(Collectors.toMap(m -> m.group(1), m -> Long.parseLong(m.group(2))));
        List<String> fused = WeightFormats.supportedTypes().stream()
                .filter(type -> WeightFormats.fusedDot(type).isPresent()).map(GgmlType::name).toList();
        assertThat(allocated.keySet()).as(output).containsExactlyInAnyOrderElementsOf(fused);
        assertThat(allocated).allSatisfy((type, bytes) ->
                assertThat(bytes).as("bytes allocated per product (one token and eight) of %s", type)
                        .isLessThanOrEqualTo(BYTES_PER_PRODUCT));
    }
}
