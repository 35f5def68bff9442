package dev.hearth.bench.kb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the benchmarks say about the machine they ran on. */
final class Machine {
    private Machine() {
    }

    /**
     * Physical cores as /proc/cpuinfo counts them (distinct physical id and core id pairs), which
     * is what ONNX Runtime's default intra-op thread count follows; the logical count elsewhere.
     */
    static int physicalCores() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            Set<String> cores = new HashSet<>();
            String physical = "0";
            for (String line : lines) {
                if (line.startsWith("physical id")) {
                    physical = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("core id")) {
                    cores.add(physical + "/" + line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return cores.isEmpty() ? Runtime.getRuntime().availableProcessors() : cores.size();
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
