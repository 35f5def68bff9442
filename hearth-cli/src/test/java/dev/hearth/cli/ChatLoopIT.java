package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.generate.ChatSession;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.Generator;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvBlockPool;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelInfo;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.testdata.TestData;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth run}'s loop on llama2.c's stories260K, with scripted lines instead of a terminal. */
class ChatLoopIT {
    private static final String CTRL_C = "<Ctrl-C>";
    private static final String CANCEL_ANSWER = "<Ctrl-C during the answer>";

    @TempDir
    static Path dir;
    private static Path file;

    private CountingModel model;
    private KvCache cache;
    private ChatPrompt prompt;
    private ChatSession session;
    private final StringWriter printed = new StringWriter();
    private ChatLoop loop;
    private boolean cancelOnNextPiece;

    @BeforeAll
    static void convert() throws IOException {
        Path data = TestData.file("stories260k");
        file = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve("stories260K.gguf")).file();
    }

    @BeforeEach
    void open() throws IOException {
        model = new CountingModel(Models.open(file));
    }

    @AfterEach
    void close() {
        cache.close();
        model.close();
    }

    @Test
    void commandsChangeTheSessionAndASecondTurnRunsOnlyItsNewTokens() {
        start(512, GenerationParams.greedy(20));
        run("/system You tell stories.", "/set temperature 0.2", "/set top_p 1.5", "/set top_k many", "/set",
                "/set temperature 0", "/frobnicate", "/help");
        assertThat(printed.toString())
                .contains("(system message set)")
                .contains("(temperature = 0.2)")
                .contains("(top_p must be in (0, 1], got 1.5)")
                .contains("(top_k: 'many' is not a number)")
                .contains("temperature 0.2, top_k 40, top_p 0.95, min_p 0.05, repeat_penalty 1.0, seed random, max_tokens 20")
                .contains("(unknown command /frobnicate; /help lists them)")
                .contains("/set NAME VALUE");
        assertThat(loop.params().sampling().temperature()).isZero();

        run("Tell me about Lily.");
        long afterFirst = model.forwarded;
        run("What did she do next?");
        long secondTurn = model.forwarded - afterFirst;

        List<ChatMessage> messages = session.messages();
        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "user", "assistant");
        assertThat(messages.get(1).content()).isEqualTo("Tell me about Lily.");
        int secondPrompt = prompt.tokens(ChatRequest.of(messages.subList(0, 4))).length;
        // the second turn runs its own message and the first answer's end, not the whole conversation again
        assertThat(secondTurn).isLessThan(secondPrompt - 20);
        assertThat(printed.toString()).contains(messages.get(2).content()).contains(messages.get(4).content());
    }

    @Test
    void multiLineInputClearAndExit() {
        start(512, GenerationParams.greedy(3));
        run("/system Be kind.", "first line\\", "second line", CTRL_C, "/clear", "/system", "hello", "/exit", "never read");
        assertThat(printed.toString()).contains("(conversation cleared; the system message stays)")
                .contains("(system message removed)");
        assertThat(session.messages()).extracting(ChatMessage::content).first().isEqualTo("hello");
        assertThat(session.messages()).hasSize(2);
        assertThat(lines).containsExactly("never read");
    }

    @Test
    void multiLineMessagesReachTheModelWhole() {
        start(512, GenerationParams.greedy(3));
        run("first line\\", "second line", "\"\"\"", "a", "  b", "\"\"\"");
        assertThat(session.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant", "user", "assistant");
        assertThat(session.messages().get(0).content()).isEqualTo("first line\nsecond line");
        assertThat(session.messages().get(2).content()).isEqualTo("a\n  b");
    }

    @Test
    void ctrlCDuringAnAnswerStopsItButNotTheChat() {
        start(512, GenerationParams.greedy(200));
        run(CANCEL_ANSWER, "Once upon a time", "/set max_tokens 2", "and then");
        assertThat(printed.toString()).contains("(stopped)");
        List<ChatMessage> messages = session.messages();
        assertThat(messages).hasSize(4);
        assertThat(model.tokenizer().encode(messages.get(1).content()).length).isLessThanOrEqualTo(2);
    }

    @Test
    void fullContextDropsTheOldestTurnsWithANotice() {
        start(160, GenerationParams.greedy(30));
        run("/system Be short.");
        for (int turn = 0; turn < 8 && !printed.toString().contains("dropped"); turn++) {
            run("Tell me a story about a dog.");
        }
        assertThat(printed.toString()).containsPattern("\\(the context was full: dropped the oldest \\d+ turns?\\)");
        assertThat(session.messages().getFirst()).isEqualTo(ChatMessage.system("Be short."));
    }

    @Test
    void messageTooLongForTheContextIsRefusedAndTheChatGoesOn() {
        start(64, GenerationParams.greedy(5));
        run("the cat sat on the mat ".repeat(20), "hi");
        assertThat(printed.toString()).containsPattern(
                "\\(the message takes \\d+ tokens with the system prompt and the template's markup; the context holds 64: "
                        + "start with a larger --ctx, or send a shorter message\\)");
        assertThat(session.messages()).extracting(ChatMessage::content).first().isEqualTo("hi");
    }

    private final Deque<String> lines = new ArrayDeque<>();

    private void start(int contextLength, GenerationParams params) {
        cache = model.newCache(contextLength, KvPrecision.F16);
        prompt = ChatPrompt.forModel(model);
        session = new ChatSession(Generator.of(model), prompt, cache);
        PrintWriter out = new PrintWriter(new Writer() {
            @Override
            public void write(char[] text, int offset, int length) {
                printed.write(text, offset, length);
                if (cancelOnNextPiece) {
                    cancelOnNextPiece = false;
                    loop.cancelAnswer();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true);
        loop = new ChatLoop(session, params, this::readLine, out);
    }

    /** Feeds the lines to the loop until they run out (Ctrl-D) or it exits. */
    private void run(String... script) {
        lines.addAll(List.of(script));
        loop.run();
    }

    private String readLine(String promptText) {
        String line = lines.poll();
        if (line == null) {
            throw new EndOfFileException();
        }
        if (line.equals(CTRL_C)) {
            throw new UserInterruptException("");
        }
        if (line.equals(CANCEL_ANSWER)) {
            cancelOnNextPiece = true;
            return readLine(promptText);
        }
        return line;
    }

    /** A model that counts the tokens its forward passes run. */
    private static final class CountingModel implements Model {
        private final Model model;
        long forwarded;

        CountingModel(Model model) {
            this.model = model;
        }

        @Override
        public ModelInfo info() {
            return model.info();
        }

        @Override
        public GgufMetadata metadata() {
            return model.metadata();
        }

        @Override
        public Tokenizer tokenizer() {
            return model.tokenizer();
        }

        @Override
        public LoraSet lora(List<ScaledLora> adapters) {
            return model.lora(adapters);
        }

        @Override
        public KvCache newCache(int contextLength, KvPrecision precision, LoraSet lora) {
            return model.newCache(contextLength, precision, lora);
        }

        @Override
        public KvCache newCache(LoraSet lora) {
            return model.newCache(lora);
        }

        @Override
        public void forward(KvCache cache, int[] tokens, float[] logits) {
            forwarded += tokens.length;
            model.forward(cache, tokens, logits);
        }

        @Override
        public void forwardAll(KvCache cache, int[] tokens, float[] logits) {
            forwarded += tokens.length;
            model.forwardAll(cache, tokens, logits);
        }

        @Override
        public void forward(Batch batch, float[] logits) {
            forwarded += batch.size();
            model.forward(batch, logits);
        }

        @Override
        public int maxBatchTokens() {
            return model.maxBatchTokens();
        }

        @Override
        public KvBlockPool newBlockPool(long memoryBudget, int blockSize, KvPrecision precision) {
            return model.newBlockPool(memoryBudget, blockSize, precision);
        }

        @Override
        public float[] embed(int[] tokens, Pooling pooling) {
            forwarded += tokens.length;
            return model.embed(tokens, pooling);
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
