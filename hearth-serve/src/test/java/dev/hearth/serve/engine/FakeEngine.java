package dev.hearth.serve.engine;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.model.tokenizer.SentencePieceTokenizer;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Vocabulary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine for testing the HTTP layer without a model: it "generates" a fixed reply, one piece
 * per token, on a thread of its own per completion, after an optional delay per token. Prompts go
 * through a real chat template (ChatML) and a real byte-fallback SentencePiece tokenizer.
 */
public final class FakeEngine implements InferenceEngine {
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final Tokenizer TOKENIZER = byteFallbackTokenizer();

    private final String name;
    private final List<String> reply;
    private final int contextLength;
    private final int embeddingLength;
    private final long kvBytes;
    private volatile Duration tokenDelay = Duration.ZERO;
    private volatile boolean overloaded;
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    /** Every request submitted, in order. */
    public final List<CompletionRequest> submitted = new CopyOnWriteArrayList<>();
    private final List<FakeCompletion> completions = Collections.synchronizedList(new ArrayList<>());

    public FakeEngine(String name, List<String> reply, int contextLength, int embeddingLength, long kvBytes) {
        this.name = name;
        this.reply = List.copyOf(reply);
        this.contextLength = contextLength;
        this.embeddingLength = embeddingLength;
        this.kvBytes = kvBytes;
    }

    /** "Hello", " there", "!" with a context of 256 and no embeddings. */
    public static FakeEngine hello(String name) {
        return new FakeEngine(name, List.of("Hello", " there", "!"), 256, 0, 1000);
    }

    public FakeEngine withTokenDelay(Duration delay) {
        this.tokenDelay = delay;
        return this;
    }

    public void overloaded(boolean overloaded) {
        this.overloaded = overloaded;
    }

    public boolean closed() {
        return closed.get();
    }

    /** Completions cancelled before they ended. */
    public int cancelledCount() {
        return cancelled.get();
    }

    public int runningCount() {
        return running.get();
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo(name, Path.of(name + ".gguf"), "fake", "F32", 1000, 1000, contextLength,
                TOKENIZER.vocabulary().size(), embeddingLength, kvBytes, 4);
    }

    @Override
    public Tokenizer tokenizer() {
        return TOKENIZER;
    }

    @Override
    public ChatPrompt chatPrompt() {
        return ChatPrompt.of(ChatTemplates.named("chatml").compile("<s>", "</s>"), TOKENIZER, "chatml");
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        if (request.prompt().length + 1 > contextLength) {
            throw new ContextLengthExceededException(request.prompt().length, contextLength);
        }
        if (overloaded || !accepting.get()) {
            throw new EngineOverloadedException(name + " is overloaded", 2);
        }
        submitted.add(request);
        FakeCompletion completion = new FakeCompletion(request, listener);
        completions.add(completion);
        running.incrementAndGet();
        Thread.ofVirtual().name("fake-engine-" + name).start(completion::run);
        return completion;
    }

    @Override
    public List<float[]> embed(List<int[]> inputs) {
        if (embeddingLength == 0) {
            throw new UnsupportedOperationException(name + " cannot embed");
        }
        List<float[]> vectors = new ArrayList<>();
        for (int[] input : inputs) {
            if (input.length > contextLength) {
                throw new ContextLengthExceededException(input.length, contextLength);
            }
            float[] v = new float[embeddingLength];
            v[input.length % embeddingLength] = 1;
            vectors.add(v);
        }
        return vectors;
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(0, running.get(), 10, 3, 2, 100, 40, 50, 7, 60);
    }

    @Override
    public void shutdown(Duration deadline) {
        accepting.set(false);
        long end = System.nanoTime() + deadline.toNanos();
        while (running.get() > 0 && System.nanoTime() < end) {
            sleep(Duration.ofMillis(5));
        }
        List.copyOf(completions).forEach(FakeCompletion::cancel);
        while (running.get() > 0) {
            sleep(Duration.ofMillis(5));
        }
    }

    @Override
    public void close() {
        closed.set(true);
        List.copyOf(completions).forEach(FakeCompletion::cancel);
    }

    private final class FakeCompletion implements Completion {
        private final CompletionRequest request;
        private final CompletionListener listener;
        private final CompletableFuture<CompletionResult> result = new CompletableFuture<>();
        private volatile boolean cancelRequested;

        FakeCompletion(CompletionRequest request, CompletionListener listener) {
            this.request = request;
            this.listener = listener;
        }

        void run() {
            try {
                StringBuilder text = new StringBuilder();
                List<Integer> tokens = new ArrayList<>();
                StopReason reason = StopReason.END_OF_GENERATION;
                int max = request.params().maxTokens();
                for (int i = 0; ; i++) {
                    if (!tokenDelay.isZero()) {
                        sleep(tokenDelay);
                    }
                    if (cancelRequested) {
                        reason = StopReason.CANCELLED;
                        cancelled.incrementAndGet();
                        break;
                    }
                    if (i == reply.size()) {
                        break;
                    }
                    if (i == max) {
                        reason = StopReason.MAX_TOKENS;
                        break;
                    }
                    String piece = reply.get(i);
                    int id = 300 + i;
                    tokens.add(id);
                    text.append(piece);
                    TokenLogprob logprob = request.topLogprobs() < 0 ? null : logprob(id, piece, request.topLogprobs());
                    listener.onToken(new TokenOutput(id, piece, logprob));
                }
                CompletionResult done = new CompletionResult(tokens.stream().mapToInt(Integer::intValue).toArray(),
                        text.toString(), reason, request.prompt().length, 1, 0, 0, 0);
                running.decrementAndGet();
                listener.onComplete(done);
                result.complete(done);
            } catch (RuntimeException e) {
                running.decrementAndGet();
                listener.onError(e);
                result.completeExceptionally(e);
            }
        }

        @Override
        public void cancel() {
            cancelRequested = true;
        }

        @Override
        public CompletableFuture<CompletionResult> result() {
            return result;
        }
    }

    private static TokenLogprob logprob(int id, String piece, int top) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<TokenLogprob.TopLogprob> alternatives = new ArrayList<>();
        for (int k = 0; k < top; k++) {
            alternatives.add(new TokenLogprob.TopLogprob(id + k, k == 0 ? piece : "alt" + k, bytes, -0.5f * (k + 1)));
        }
        return new TokenLogprob(id, piece, bytes, -0.5f, alternatives);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Control tokens, the 256 byte tokens, a few pieces: any text encodes (bytes at worst). */
    private static Tokenizer byteFallbackTokenizer() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"));
        List<TokenType> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL,
                TokenType.CONTROL, TokenType.CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(TokenType.BYTE);
        }
        for (String piece : List.of("▁", "h", "i", "e", "l", "o", "▁h", "▁hi", "user", "system", "assistant", "Hello")) {
            tokens.add(piece);
            types.add(TokenType.NORMAL);
        }
        while (tokens.size() < 320) {
            tokens.add("<extra_" + tokens.size() + ">");
            types.add(TokenType.NORMAL);
        }
        float[] scores = new float[tokens.size()];
        for (int id = 261; id < scores.length; id++) {
            scores[id] = -(id - 261);
        }
        OptionalInt none = OptionalInt.empty();
        SpecialTokens special = new SpecialTokens(OptionalInt.of(BOS), OptionalInt.of(EOS), OptionalInt.of(4),
                OptionalInt.of(0), none, none, none, none, true, false);
        return SentencePieceTokenizer.create(new Vocabulary(tokens, scores, types.toArray(TokenType[]::new)), special, true);
    }
}
