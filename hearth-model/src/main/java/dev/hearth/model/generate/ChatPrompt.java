package dev.hearth.model.generate;

import dev.hearth.model.runtime.Model;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.ChatTemplate;
import dev.hearth.model.template.ChatTemplates;
import dev.hearth.model.template.NamedTemplate;
import dev.hearth.model.template.TemplateException;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokenSplitter;
import dev.hearth.model.tokenizer.SpecialTokenSplitter.Fragment;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * A conversation → the tokens a model is prompted with. The chat template renders the
 * conversation; the template's own markup (role headers, end-of-turn markers, {@code bos_token})
 * becomes special tokens, while the messages' texts never do: a user who types
 * {@code <|im_start|>system} gets those characters, not a forged turn.
 *
 * <p>How the texts are found in the rendered prompt: each text (a message's content, and its
 * reasoning) is replaced by a placeholder, a private-use character found nowhere in the
 * conversation around the text's index, and the template renders that. Where every placeholder
 * appears exactly once and putting the texts back gives the real rendering, the placeholders mark
 * the texts. Templates that change a text (Llama 3 and Gemma trim them) fail that check; then each
 * text is rendered alone among placeholders, and what appears between the known markup before and
 * after it is that text as the template printed it, if it is a part of the text (trimmed, or split
 * off). If even that does not reproduce the real rendering (the markup depends on the text, as
 * Qwen3's on a {@code </think>} inside an answer),
 * the whole rendering is tokenized with special tokens on, which is safe only when no text holds
 * a control token's text; otherwise the conversation is refused.
 *
 * <p>Tokenizing: the markup is cut at special tokens; the plain text between two special tokens,
 * markup and message texts together, is encoded as one piece with no special tokens matched. So a
 * conversation whose texts hold no special-token text gives exactly the tokens of encoding the
 * whole rendering with special tokens on (llama.cpp's and Hugging Face's behaviour). BOS is put
 * first when the tokenizer asks for it and the template did not print it.
 *
 * <p>Immutable and thread-safe.
 */
public final class ChatPrompt {
    private static final String TEMPLATE_KEY = "tokenizer.chat_template";

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final String description;
    private final SpecialTokenSplitter splitter;

    private ChatPrompt(ChatTemplate template, Tokenizer tokenizer, String description) {
        this.template = Objects.requireNonNull(template, "template");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.description = Objects.requireNonNull(description, "description");
        this.splitter = new SpecialTokenSplitter(tokenizer.vocabulary());
    }

    /**
     * @param description which template this is, for people, e.g. {@code built-in 'chatml'}
     */
    public static ChatPrompt of(ChatTemplate template, Tokenizer tokenizer, String description) {
        return new ChatPrompt(template, tokenizer, description);
    }

    /**
     * The model file's {@code tokenizer.chat_template}, or, when it has none (or one that does not
     * compile), the built-in template {@link ChatTemplates#defaultFor} picks.
     */
    public static ChatPrompt forModel(Model model) {
        Tokenizer tokenizer = model.tokenizer();
        String bos = text(tokenizer, tokenizer.specialTokens().bos());
        String eos = text(tokenizer, tokenizer.specialTokens().eos());
        String why = "the file has none";
        var source = model.metadata().findString(TEMPLATE_KEY);
        if (source.isPresent()) {
            try {
                return new ChatPrompt(ChatTemplate.of(source.get(), bos, eos), tokenizer, "the file's " + TEMPLATE_KEY);
            } catch (TemplateException e) {
                why = "the file's does not compile: " + e.getMessage();
            }
        }
        NamedTemplate builtIn = ChatTemplates.defaultFor(model.info().architecture(),
                token -> tokenizer.vocabulary().id(token).isPresent());
        return new ChatPrompt(builtIn.compile(bos, eos), tokenizer, "built-in '" + builtIn.name() + "' (" + why + ")");
    }

    /** Which template this is, e.g. {@code built-in 'chatml' (the file has none)}. */
    public String description() {
        return description;
    }

    /**
     * The template's text for a conversation, markup and message texts as one string, before
     * tokenizing. For callers that learn a template's conventions by rendering a sample (how it
     * writes a tool call, say); a prompt is always made with {@link #tokens}.
     *
     * @throws TemplateException if the template rejects the conversation
     */
    public String render(ChatRequest request) {
        return template.render(request);
    }

    /**
     * The prompt tokens for a conversation.
     *
     * @throws TemplateException if the template rejects the conversation
     * @throws IllegalArgumentException if a message's text holds a control token's text and this
     *     template changes texts in a way that keeps them from being told apart from its markup
     */
    public int[] tokens(ChatRequest request) {
        String rendered = template.render(request);
        List<String> texts = texts(request);
        List<Part> parts = texts.isEmpty() ? List.of(new Part(rendered, false)) : locateTexts(request, texts, rendered);
        if (parts == null) {
            parts = wholeIfHarmless(rendered, texts);
        }
        return withBos(encode(parts));
    }

    /** A piece of the rendered prompt: template markup, or a message's text as the template printed it. */
    private record Part(String text, boolean isText) {}

    private List<Part> locateTexts(ChatRequest request, List<String> texts, String rendered) {
        Placeholders placeholders = Placeholders.avoiding(rendered, texts);
        String marked = template.render(withTexts(request, placeholders::of));
        Skeleton skeleton = Skeleton.parse(marked, placeholders, texts.size());
        if (skeleton == null) {
            return null;
        }
        List<Part> parts = skeleton.fill(texts::get);
        if (joined(parts).equals(rendered)) {
            return parts;
        }
        String[] printed = new String[texts.size()];
        for (int slot = 0; slot < texts.size(); slot++) {
            int only = skeleton.order[slot];
            String alone = template.render(withTexts(request, k -> k == only ? texts.get(k) : placeholders.of(k)));
            String before = marked.substring(0, skeleton.starts[slot]);
            String after = marked.substring(skeleton.ends[slot]);
            if (alone.length() < before.length() + after.length() || !alone.startsWith(before) || !alone.endsWith(after)) {
                return null;
            }
            printed[only] = alone.substring(before.length(), alone.length() - after.length());
            if (!texts.get(only).contains(printed[only])) { // markup printed beside the text would pass as text
                return null;
            }
        }
        parts = skeleton.fill(k -> printed[k]);
        return joined(parts).equals(rendered) ? parts : null;
    }

    private List<Part> wholeIfHarmless(String rendered, List<String> texts) {
        Vocabulary vocabulary = tokenizer.vocabulary();
        for (String text : texts) {
            for (Fragment fragment : splitter.split(text, SpecialTokenMode.ALL)) {
                if (fragment instanceof Fragment.Special special && vocabulary.type(special.id()) == TokenType.CONTROL) {
                    throw new IllegalArgumentException("a message holds the control token text '"
                            + vocabulary.token(special.id()) + "', and the chat template (" + description
                            + ") changes messages in a way that keeps it from being told apart from the template's own");
                }
            }
        }
        return List.of(new Part(rendered, false));
    }

    private int[] encode(List<Part> parts) {
        IntStream.Builder ids = IntStream.builder();
        StringBuilder plain = new StringBuilder();
        for (Part part : parts) {
            if (part.isText()) {
                plain.append(part.text());
                continue;
            }
            for (Fragment fragment : splitter.split(part.text(), SpecialTokenMode.ALL)) {
                switch (fragment) {
                    case Fragment.Text text -> plain.append(text.text());
                    case Fragment.Special special -> {
                        encodePlain(plain, ids);
                        ids.add(special.id());
                    }
                }
            }
        }
        encodePlain(plain, ids);
        return ids.build().toArray();
    }

    private void encodePlain(StringBuilder plain, IntStream.Builder ids) {
        if (!plain.isEmpty()) {
            for (int id : tokenizer.encode(plain.toString(), SpecialTokenMode.NONE)) {
                ids.add(id);
            }
            plain.setLength(0);
        }
    }

    private int[] withBos(int[] ids) {
        SpecialTokens special = tokenizer.specialTokens();
        if (!special.addBos() || special.bos().isEmpty() || (ids.length > 0 && ids[0] == special.bos().getAsInt())) {
            return ids;
        }
        return IntStream.concat(IntStream.of(special.bos().getAsInt()), IntStream.of(ids)).toArray();
    }

    /** The messages' texts, in the order placeholders number them: contents and reasonings, empty ones left out. */
    private static List<String> texts(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (isText(m.content())) {
                texts.add(m.content());
            }
            if (isText(m.reasoningContent())) {
                texts.add(m.reasoningContent());
            }
        }
        return texts;
    }

    /** The request with its k-th text (as {@link #texts} numbers them) replaced by {@code textAt.apply(k)}. */
    private static ChatRequest withTexts(ChatRequest request, IntFunction<String> textAt) {
        List<ChatMessage> messages = new ArrayList<>();
        int k = 0;
        for (ChatMessage m : request.messages()) {
            String content = isText(m.content()) ? textAt.apply(k++) : m.content();
            String reasoning = isText(m.reasoningContent()) ? textAt.apply(k++) : m.reasoningContent();
            messages.add(new ChatMessage(m.role(), content, m.toolCalls(), m.toolCallId(), m.name(), reasoning));
        }
        return new ChatRequest(messages, request.tools(), request.addGenerationPrompt(), request.variables());
    }

    // an empty text stays: a placeholder would turn a template's `if message.content` true
    private static boolean isText(String s) {
        return s != null && !s.isEmpty();
    }

    private static String joined(List<Part> parts) {
        StringBuilder sb = new StringBuilder();
        parts.forEach(p -> sb.append(p.text()));
        return sb.toString();
    }

    private static String text(Tokenizer tokenizer, OptionalInt id) {
        return id.isPresent() && tokenizer.vocabulary().contains(id.getAsInt())
                ? tokenizer.vocabulary().token(id.getAsInt()) : null;
    }

    /** Placeholders {@code c + index + c}, with {@code c} a private-use character the conversation never uses. */
    private record Placeholders(char mark) {
        static Placeholders avoiding(String rendered, List<String> texts) {
            for (char c = '\uE000'; c <= '\uF8FF'; c++) {
                String s = String.valueOf(c);
                if (!rendered.contains(s) && texts.stream().noneMatch(t -> t.contains(s))) {
                    return new Placeholders(c);
                }
            }
            throw new IllegalArgumentException("the conversation uses every private-use character");
        }

        String of(int index) {
            return mark + Integer.toString(index) + mark;
        }
    }

    /**
     * A rendering with placeholders, cut at them: {@code markup[0]}, text {@code order[0]},
     * {@code markup[1]}, …; {@code starts}/{@code ends} are the placeholders' offsets.
     */
    private record Skeleton(List<String> markup, int[] order, int[] starts, int[] ends) {

        /** Null unless each of the {@code count} placeholders appears exactly once. */
        static Skeleton parse(String marked, Placeholders placeholders, int count) {
            List<String> markup = new ArrayList<>();
            int[] order = new int[count];
            int[] starts = new int[count];
            int[] ends = new int[count];
            boolean[] seen = new boolean[count];
            int slot = 0;
            int from = 0;
            for (int open = marked.indexOf(placeholders.mark()); open >= 0; open = marked.indexOf(placeholders.mark(), from)) {
                int close = marked.indexOf(placeholders.mark(), open + 1);
                int index = close < 0 ? -1 : parseIndex(marked.substring(open + 1, close));
                if (index < 0 || index >= count || seen[index]) {
                    return null;
                }
                seen[index] = true;
                markup.add(marked.substring(from, open));
                order[slot] = index;
                starts[slot] = open;
                ends[slot] = close + 1;
                slot++;
                from = close + 1;
            }
            markup.add(marked.substring(from));
            return slot == count ? new Skeleton(markup, order, starts, ends) : null;
        }

        private static int parseIndex(String digits) {
            if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            return Integer.parseInt(digits);
        }

        /** The markup with text {@code k} as {@code textAt.apply(k)} in each slot. */
        List<Part> fill(IntFunction<String> textAt) {
            List<Part> parts = new ArrayList<>();
            for (int slot = 0; slot < order.length; slot++) {
                parts.add(new Part(markup.get(slot), false));
                parts.add(new Part(textAt.apply(order[slot]), true));
            }
            parts.add(new Part(markup.getLast(), false));
            return parts;
        }
    }
}
