package dev.hearth.model.generate;

import dev.hearth.model.arch.transformer.SyntheticModel;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.template.ChatMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatSessionTest {
    @TempDir
    Path dir;
    private Model model;
    private KvCache cache;
    private ChatSession session;

    @BeforeEach
    void open() throws IOException {
        model = Models.open(SyntheticModel.of(SyntheticModel.Spec.llama().withTied(false)).write(dir.resolve("llama.gguf")));
        cache = model.newCache(64, KvPrecision.F32);
        ChatPrompt prompt = ChatPrompt.forModel(model);
        assertThat(prompt.description()).isEqualTo("built-in 'llama2' (the file has none)");
        session = new ChatSession(Generator.of(model), prompt, cache);
    }

    @AfterEach
    void close() {
        cache.close();
        model.close();
    }

    @Test
    void secondTurnRunsOnlyWhatTheCacheDoesNotHold() {
        ChatSession.Reply first = session.reply("hi", GenerationParams.greedy(4), text -> { }, () -> false);
        assertThat(first.reusedTokens()).isZero();
        assertThat(first.generation().timings().promptTokens()).isEqualTo(first.promptTokens());
        int[] afterFirst = session.cachedTokens();

        ChatSession.Reply second = session.reply("the sun", GenerationParams.greedy(4), text -> { }, () -> false);
        assertThat(second.droppedTurns()).isZero();
        assertThat(second.reusedTokens()).isGreaterThanOrEqualTo(first.promptTokens());
        assertThat(second.generation().timings().promptTokens()).isEqualTo(second.promptTokens() - second.reusedTokens());
        assertThat(Arrays.copyOf(session.cachedTokens(), second.reusedTokens()))
                .containsExactly(Arrays.copyOf(afterFirst, second.reusedTokens()));
        assertThat(session.messages()).extracting(ChatMessage::role)
                .containsExactly("user", "assistant", "user", "assistant");
        assertThat(session.messages().get(1).content()).isEqualTo(first.generation().text());
    }

    @Test
    void fullContextDropsTheOldestTurnsAndKeepsTheSystemMessage() {
        session.setSystem("sun");
        int dropped = 0;
        for (int turn = 0; turn < 6 && dropped == 0; turn++) {
            dropped = session.reply("the big day", GenerationParams.greedy(6), text -> { }, () -> false).droppedTurns();
        }
        assertThat(dropped).isPositive();
        assertThat(session.messages().getFirst()).isEqualTo(ChatMessage.system("sun"));
        assertThat(cache.size()).isLessThanOrEqualTo(cache.capacity());
    }

    @Test
    void messageTooLongForTheContextIsRefusedAndLeavesTheConversation() {
        session.reply("hi", GenerationParams.greedy(2), text -> { }, () -> false);
        List<ChatMessage> before = session.messages();
        assertThatThrownBy(() -> session.reply("the big day ".repeat(30), GenerationParams.greedy(2), text -> { }, () -> false))
                .isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining("the context holds 64");
        assertThat(session.messages()).isEqualTo(before);
    }

    @Test
    void clearForgetsTheTurnsButNotTheSystemMessage() {
        session.setSystem("sun");
        session.reply("hi", GenerationParams.greedy(2), text -> { }, () -> false);
        session.clear();
        assertThat(session.messages()).containsExactly(ChatMessage.system("sun"));
        ChatSession.Reply again = session.reply("hi", GenerationParams.greedy(2), text -> { }, () -> false);
        assertThat(again.reusedTokens()).isPositive(); // the system prompt is still in the cache
    }
}
