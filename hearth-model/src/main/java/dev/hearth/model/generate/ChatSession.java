package dev.hearth.model.generate;

import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A conversation with a model in one KV cache: an optional system message, the turns so far, and
 * the token sequence the cache holds, so that each reply runs only what is new. The prompt is
 * rendered and tokenized afresh every turn ({@link ChatPrompt}); the cache is cut back to the
 * longest common prefix of what it holds and the new prompt, and the rest runs. Normally that is
 * the whole previous prompt and answer, so a turn costs about its own tokens.
 *
 * <p>When the context cannot hold the conversation plus room for an answer (a quarter of the
 * context, or {@code maxTokens} if fewer), the oldest turns are dropped, the system message kept.
 *
 * <p>Not thread-safe: one conversation, one thread at a time.
 */
public final class ChatSession {
    private final Generator generator;
    private final ChatPrompt prompt;
    private final KvCache cache;
    private String system; // null: none
    private final List<ChatMessage> turns = new ArrayList<>(); // user, assistant, user, assistant, …
    private int[] sequence = new int[0]; // the cache holds its first cache.size() tokens

    /** A conversation that runs on {@code generator}'s model in {@code cache}, which it then owns the contents of. */
    public ChatSession(Generator generator, ChatPrompt prompt, KvCache cache) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.cache = Objects.requireNonNull(cache, "cache");
        cache.clear();
    }

    /**
     * The result of one turn.
     *
     * @param generation the answer, as the generator returned it
     * @param droppedTurns oldest turns (a user message and its answer each) dropped to make room
     * @param reusedTokens prompt tokens that were already in the cache and did not run again
     * @param promptTokens tokens of the whole prompt
     */
    public record Reply(Generation generation, int droppedTurns, int reusedTokens, int promptTokens) {
    }

    /** Sets the system message; null or empty removes it. Kept by {@link #clear()}. */
    public void setSystem(String text) {
        system = text == null || text.isEmpty() ? null : text;
    }

    public Optional<String> system() {
        return Optional.ofNullable(system);
    }

    /** Forgets the turns (the system message stays). The cache keeps what still matches. */
    public void clear() {
        turns.clear();
    }

    /** The conversation so far: the system message, if any, and the turns. */
    public List<ChatMessage> messages() {
        return messages(turns);
    }

    /** The tokens the cache holds now. */
    public int[] cachedTokens() {
        return Arrays.copyOf(sequence, cache.size());
    }

    /**
     * Adds a user message, generates the answer (streaming it to {@code onText}) and adds that too,
     * also when it was cut short (cancelled, stop string, token limit).
     *
     * @throws PromptTooLongException if the system message and this message alone fill the context;
     *     the conversation is then unchanged
     */
    public Reply reply(String userText, GenerationParams params, Consumer<String> onText, BooleanSupplier cancelled) {
        List<ChatMessage> kept = new ArrayList<>(turns);
        kept.add(ChatMessage.user(userText));
        int room = Math.min(params.maxTokens(), cache.capacity() / 4);
        int[] tokens = prompt.tokens(ChatRequest.of(messages(kept)));
        int dropped = 0;
        while (tokens.length + room > cache.capacity() && kept.size() > 1) {
            kept.subList(0, 2).clear();
            dropped++;
            tokens = prompt.tokens(ChatRequest.of(messages(kept)));
        }
        if (tokens.length >= cache.capacity()) {
            throw new PromptTooLongException(tokens.length, cache.capacity());
        }
        // at least the last token runs again: its logits choose the answer's first token
        int reused = Math.min(commonPrefix(tokens), tokens.length - 1);
        cache.truncate(reused);
        sequence = tokens;
        Generation generation = generator.generate(cache, Arrays.copyOfRange(tokens, reused, tokens.length), params,
                onText, cancelled);
        sequence = concat(tokens, generation.tokens());
        kept.add(ChatMessage.assistant(generation.text()));
        turns.clear();
        turns.addAll(kept);
        return new Reply(generation, dropped, reused, tokens.length);
    }

    private List<ChatMessage> messages(List<ChatMessage> someTurns) {
        List<ChatMessage> all = new ArrayList<>();
        if (system != null) {
            all.add(ChatMessage.system(system));
        }
        all.addAll(someTurns);
        return all;
    }

    private int commonPrefix(int[] tokens) {
        int n = Math.min(cache.size(), tokens.length);
        int i = 0;
        while (i < n && sequence[i] == tokens[i]) {
            i++;
        }
        return i;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
