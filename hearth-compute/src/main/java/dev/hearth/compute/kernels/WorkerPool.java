package dev.hearth.compute.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of long-lived platform threads that split loops into ranges: the only place Hearth's
 * compute layer creates threads.
 *
 * <p>A pool of {@code threads} runs a loop on {@code threads − 1} daemon workers named
 * {@code hearth-worker-N} plus the calling thread, which takes part and returns when every range
 * is done. Ranges are handed out from a shared counter, so a core that is busy elsewhere simply
 * takes fewer of them. Between loops a worker spins for a few microseconds (a forward pass calls
 * the pool thousands of times a second) and then parks.
 *
 * <p>Threading contract: {@link #forRanges} may be called from any thread. A loop started while
 * another is running — from a second thread, or from inside a loop's body — runs on the calling
 * thread alone, so nesting never deadlocks. An exception thrown by a body is rethrown to the caller
 * once all ranges have finished or been abandoned. {@link #close} stops the workers; loops after
 * that run on the calling thread.
 *
 * <p>A loop allocates nothing: one job record is reused, and workers recognise a new loop by its
 * number. Each worker runs every loop's job once (finding no range left, if the others were
 * quicker), and the next loop is posted only after all of them have, so none is ever missed.
 */
public final class WorkerPool implements AutoCloseable {

    /** The body of a loop over a range of indices. */
    @FunctionalInterface
    public interface Range {
        /** Runs the loop for indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private static final int SPIN_ITERATIONS = 20_000;
    private static final AtomicInteger NEXT_THREAD_NUMBER = new AtomicInteger();

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The loop in flight, reused for every loop; its fields change only while no worker runs it. */
    private final Job job = new Job();
    /** Loops posted so far: a worker runs the job whenever this differs from the last it ran. */
    private volatile long posted;
    private volatile boolean closed;

    /**
     * @param threads how many threads run a loop, the caller included; 1 creates no thread at all
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one thread, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread worker = new Thread(this::work, "hearth-worker-" + NEXT_THREAD_NUMBER.incrementAndGet());
            worker.setDaemon(true);
            workers[i] = worker;
        }
        for (Thread worker : workers) {
            worker.start();
        }
    }

    /** A pool with one thread per available processor. */
    public static WorkerPool ofAvailableProcessors() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    /** Threads that run a loop, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into ranges of about {@code grain} indices (the
     * last one shorter), in parallel; returns when all are done.
     */
    public void forRanges(int n, int grain, Range body) {
        if (n <= 0) {
            return;
        }
        int chunk = Math.max(1, grain);
        if (workers.length == 0 || n <= chunk || closed || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            job.reset(n, chunk, body, Thread.currentThread(), workers.length);
            posted = posted + 1; // only the holder of busy writes it
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
            job.runRanges();
            job.awaitWorkers();
            job.rethrow();
        } finally {
            job.body = null;
            busy.set(false);
        }
    }

    /** Runs {@code body} for every index in {@code [0, n)}, in parallel, one index per call. */
    public void parallelFor(int n, IntConsumer body) {
        int grain = Math.max(1, n / (4 * threads));
        forRanges(n, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    /** Stops the workers; they exit once they see it, between loops. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    private void work() {
        long last = 0;
        while (!closed) {
            long current = awaitNextLoop(last);
            if (current == last) {
                continue;
            }
            last = current;
            job.runRanges();
            job.workerDone();
        }
    }

    /** Spins, then parks, until a loop after {@code last} is posted; {@code last} if woken without one. */
    private long awaitNextLoop(long last) {
        for (int i = 0; i < SPIN_ITERATIONS; i++) {
            long current = posted;
            if (current != last) {
                return current;
            }
            Thread.onSpinWait();
        }
        long current = posted;
        if (current != last) {
            return current;
        }
        // An unpark between the read above and this park leaves a permit, so the wake-up is not lost.
        LockSupport.park(this);
        return last;
    }

    /**
     * The loop in flight: the next range to hand out, who still runs, the first failure. Reset by
     * the caller before each loop is posted; the volatile write of {@link #posted} publishes it.
     */
    private static final class Job {
        private int n;
        private int grain;
        private Range body;
        private Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger workersRunning = new AtomicInteger();
        private volatile Throwable failure;

        void reset(int n, int grain, Range body, Thread caller, int workers) {
            this.n = n;
            this.grain = grain;
            this.body = body;
            this.caller = caller;
            this.failure = null;
            this.next.set(0);
            this.workersRunning.set(workers);
        }

        void runRanges() {
            try {
                int from;
                while (failure == null && (from = next.getAndAdd(grain)) < n) {
                    body.run(from, Math.min(n, from + grain));
                }
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }

        void workerDone() {
            if (workersRunning.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }

        void awaitWorkers() {
            for (int i = 0; workersRunning.get() > 0; i++) {
                if (i < SPIN_ITERATIONS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
    }
}
