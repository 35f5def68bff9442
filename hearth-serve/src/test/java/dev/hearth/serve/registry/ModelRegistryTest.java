package dev.hearth.serve.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.FakeEngine;
import dev.hearth.serve.engine.InferenceEngine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    private static final long KV = 1000;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();
    private final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();
    private final List<FakeEngine> engines = Collections.synchronizedList(new ArrayList<>());

    /** Opens fake engines whose measured size is the file's size plus {@link #KV}. */
    private InferenceEngine open(Path file, EngineOptions options) throws IOException {
        opens.computeIfAbsent(options.name(), k -> new AtomicInteger()).incrementAndGet();
        FakeEngine engine = new FakeEngine(options.name(), List.of("x"), 64, 0, KV);
        engines.add(engine);
        return engine;
    }

    private ModelSource model(String name, int bytes) throws IOException {
        return new ModelSource(name, Files.write(dir.resolve(name + ".gguf"), new byte[bytes]));
    }

    private ModelRegistry registry(long budget, Duration keepAlive, ModelSource... sources) throws IOException {
        RegistryOptions options = new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(KV), keepAlive, budget);
        return new ModelRegistry(List.of(sources), options, this::open, clock::get, false);
    }

    @Test
    void loadsAModelOnFirstUseOnly() throws IOException {
        try (ModelRegistry registry = registry(1 << 20, Duration.ofMinutes(5), model("a", 100))) {
            assertThat(opens).isEmpty();
            assertThat(registry.models()).singleElement().satisfies(m -> assertThat(m.loaded()).isFalse());
            try (ModelLease lease = registry.acquire("a")) {
                assertThat(lease.engine().info().name()).isEqualTo("a");
            }
            try (ModelLease lease = registry.acquire("a")) {
                assertThat(lease.name()).isEqualTo("a");
            }
            assertThat(opens.get("a")).hasValue(1);
            assertThat(registry.models().getFirst().loaded()).isTrue();
            assertThat(registry.usedBytes()).isEqualTo(1000 + KV); // the fake reports 1000 file bytes
        }
    }

    @Test
    void concurrentFirstRequestsLoadTheModelOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        RegistryOptions options = new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(KV), Duration.ofMinutes(5), 1 << 20);
        EngineOpener slow = (file, o) -> {
            loads.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return FakeEngine.hello(o.name());
        };
        try (ModelRegistry registry = new ModelRegistry(List.of(model("a", 10)), options, slow, clock::get, false);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<InferenceEngine>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    try (ModelLease lease = registry.acquire("a")) {
                        return lease.engine();
                    }
                }));
            }
            Thread.sleep(100);
            release.countDown();
            InferenceEngine first = results.getFirst().get();
            for (Future<InferenceEngine> f : results) {
                assertThat(f.get()).isSameAs(first);
            }
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void unloadsAModelIdleLongerThanTheKeepAlive() throws IOException {
        try (ModelRegistry registry = registry(1 << 20, Duration.ofSeconds(10), model("a", 100))) {
            ModelLease lease = registry.acquire("a");
            clock.set(Duration.ofMinutes(1).toNanos());
            registry.unloadIdle();
            assertThat(registry.models().getFirst().loaded()).as("in use: kept").isTrue();
            lease.close();
            clock.addAndGet(Duration.ofSeconds(9).toNanos());
            registry.unloadIdle();
            assertThat(registry.models().getFirst().loaded()).isTrue();
            assertThat(registry.models().getFirst().unloadsAt()).isNotNull();
            clock.addAndGet(Duration.ofSeconds(1).toNanos());
            registry.unloadIdle();
            assertThat(registry.models().getFirst().loaded()).isFalse();
            assertThat(engines.getFirst().closed()).isTrue();
            assertThat(registry.usedBytes()).isZero();
            registry.acquire("a").close();
            assertThat(opens.get("a")).hasValue(2);
        }
    }

    @Test
    void zeroKeepAliveUnloadsWhenTheLastRequestEnds() throws IOException {
        try (ModelRegistry registry = registry(1 << 20, Duration.ZERO, model("a", 100))) {
            ModelLease first = registry.acquire("a");
            ModelLease second = registry.acquire("a");
            first.close();
            first.close(); // twice: no effect
            assertThat(registry.models().getFirst().loaded()).isTrue();
            second.close();
            assertThat(registry.models().getFirst().loaded()).isFalse();
        }
    }

    @Test
    void evictsTheLeastRecentlyUsedIdleModelToMakeRoom() throws IOException {
        // each model: 1000 (file) + 1000 (KV) = 2000 once loaded, estimated 100 + 1000 before; room for two
        try (ModelRegistry registry = registry(4500, Duration.ofMinutes(5), model("a", 100), model("b", 100), model("c", 100))) {
            clock.set(1);
            registry.acquire("a").close();
            clock.set(2);
            registry.acquire("b").close();
            clock.set(3);
            registry.acquire("a").close(); // a is now more recent than b
            clock.set(4);
            registry.acquire("c").close();
            assertThat(registry.models()).extracting(ModelStatus::name, ModelStatus::loaded)
                    .containsExactly(tuple("a", true), tuple("b", false),
                            tuple("c", true));
            assertThat(registry.usedBytes()).isLessThanOrEqualTo(4500);
        }
    }

    @Test
    void refusesWithoutEvictingWhenTheModelsInTheWayAreBusy() throws IOException {
        try (ModelRegistry registry = registry(3000, Duration.ofMinutes(5), model("a", 100), model("b", 100))) {
            try (ModelLease busy = registry.acquire("a")) {
                assertThatThrownBy(() -> registry.acquire("b"))
                        .isInstanceOf(ModelUnavailableException.class)
                        .hasMessageContaining("'b'").hasMessageContaining("busy");
                assertThat(registry.models().getFirst().loaded()).isTrue();
            }
            registry.acquire("b").close(); // a is idle now, so it goes
            assertThat(registry.models()).extracting(ModelStatus::loaded).containsExactly(false, true);
        }
    }

    @Test
    void aModelLargerThanTheWholeBudgetIsRefusedWithTheReason() throws IOException {
        try (ModelRegistry registry = registry(500, Duration.ofMinutes(5), model("big", 100))) {
            assertThatThrownBy(() -> registry.acquire("big"))
                    .isInstanceOf(ModelUnavailableException.class)
                    .hasMessageContaining("whole memory budget").hasMessageContaining("--memory-budget");
        }
    }

    @Test
    void unknownNamesAndBrokenFilesFailDistinctlyAndABrokenLoadCanBeRetried() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        RegistryOptions options = new RegistryOptions(EngineOptions.defaults().withKvMemoryBudget(KV), Duration.ofMinutes(5), 1 << 20);
        EngineOpener flaky = (file, o) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("truncated file");
            }
            return FakeEngine.hello(o.name());
        };
        try (ModelRegistry registry = new ModelRegistry(List.of(model("a", 10)), options, flaky, clock::get, false)) {
            assertThatThrownBy(() -> registry.acquire("nope")).isInstanceOf(UnknownModelException.class);
            assertThatThrownBy(() -> registry.acquire("a"))
                    .isInstanceOf(ModelLoadFailedException.class)
                    .hasMessage("the model 'a' could not be loaded")
                    .hasRootCauseMessage("truncated file");
            assertThat(registry.usedBytes()).isZero();
            registry.acquire("a").close();
            assertThat(registry.models().getFirst().loaded()).isTrue();
        }
    }

    @Test
    void shutdownStopsLendingAndCloseClosesEveryEngine() throws IOException {
        ModelRegistry registry = registry(1 << 20, Duration.ofMinutes(5), model("a", 10), model("b", 10));
        registry.acquire("a").close();
        registry.shutdown(Duration.ofMillis(100));
        assertThatThrownBy(() -> registry.acquire("b")).isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("shutting down");
        registry.close();
        assertThat(engines).singleElement().satisfies(e -> assertThat(e.closed()).isTrue());
    }

    @Test
    void namesComeFromFilesOrAreGivenAndMustBeUnique() throws IOException {
        Path file = Files.write(dir.resolve("Qwen2.5-0.5B.Q8_0.gguf"), new byte[1]);
        assertThat(ModelSource.parse(file.toString()).name()).isEqualTo("Qwen2.5-0.5B.Q8_0");
        assertThat(ModelSource.parse("qwen=" + file)).isEqualTo(new ModelSource("qwen", file));
        assertThat(ModelSource.scan(dir)).extracting(ModelSource::name).containsExactly("Qwen2.5-0.5B.Q8_0");
        assertThatThrownBy(() -> new ModelSource("a b", file)).hasMessageContaining("without slashes, spaces");
        assertThatThrownBy(() -> registry(1 << 20, Duration.ZERO, new ModelSource("m", file), new ModelSource("m", file)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two models are named 'm'");
    }
}
