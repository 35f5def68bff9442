package dev.hearth.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnceForAnyRangeSize() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int n : new int[] {0, 1, 2, 7, 100, 1001}) {
                for (int grain : new int[] {1, 3, 64, 5000}) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, n));
                    pool.forRanges(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            runs.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertThat(runs.get(i)).as("n %d, grain %d, index %d", n, grain, i).isEqualTo(1);
                    }
                }
            }
        }
    }

    @Test
    void workersAreNamedDaemonThreadsAndTheCallerTakesPart() {
        try (WorkerPool pool = new WorkerPool(3)) {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 200 && seen.size() < 3; round++) {
                pool.parallelFor(64, i -> {
                    seen.add(Thread.currentThread());
                    busyWait();
                });
            }
            assertThat(seen).contains(Thread.currentThread());
            for (Thread thread : seen) {
                if (thread != Thread.currentThread()) {
                    assertThat(thread.getName()).startsWith("hearth-worker-");
                    assertThat(thread.isDaemon()).isTrue();
                }
            }
        }
    }

    @Test
    void aLoopInsideALoopRunsOnTheCallingThread() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(16 * 16);
            pool.parallelFor(16, i -> pool.parallelFor(16, j -> runs.incrementAndGet(16 * i + j)));
            for (int k = 0; k < runs.length(); k++) {
                assertThat(runs.get(k)).isEqualTo(1);
            }
        }
    }

    @Test
    void anExceptionInABodyReachesTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, i -> {
                if (i == 57) {
                    throw new IllegalStateException("body failed at " + i);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("body failed at 57");
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            pool.parallelFor(10, runs::incrementAndGet);
            assertThat(runs.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
        }
    }

    @Test
    void aClosedPoolRunsLoopsOnTheCaller() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        pool.parallelFor(10, runs::incrementAndGet);
        assertThat(runs.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
    }

    @Test
    void rejectsFewerThanOneThread() {
        assertThatThrownBy(() -> new WorkerPool(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void busyWait() {
        long end = System.nanoTime() + 20_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
