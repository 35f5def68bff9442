package dev.hearth.serve.openai;

import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.ToolCall;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * How a model writes tool calls, learnt from its chat template: the template is made to render a
 * sample conversation (a probe function on offer, an assistant turn that calls it), and the way
 * it writes that call is the way the model was trained to. This needs no list of model names and
 * follows whatever template a GGUF file carries.
 *
 * @param style how calls are written
 * @param templateShowsTools whether the template puts the offered tools into the prompt; when it
 *     does not, the server describes them in a system message ({@link ToolPrompt})
 */
record ToolConvention(Style style, boolean templateShowsTools) {
    private static final String PROBE = "hearth_probe_function";
    private static final Map<ChatPrompt, ToolConvention> LEARNT = Collections.synchronizedMap(new WeakHashMap<>());

    /** How calls are written. */
    enum Style {
        /**
         * {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>}, one block per call
         * (Qwen 2.5 and 3, Hermes, and the many fine-tunes of them).
         */
        TAGGED("arguments", ToolCallParser.OPEN + "\n"),
        /** The answer is the call, {@code {"name": …, "parameters": {…}}} (Llama 3.1, 3.2, 3.3). */
        LLAMA_JSON("parameters", ""),
        /**
         * A template that writes calls in neither way, or not at all: both tagged calls and an
         * answer of bare {@code {"name": …, "arguments": {…}}} objects are read.
         */
        GENERIC("arguments", "");

        private final String argumentsKey;
        private final String forcedPrefill;

        Style(String argumentsKey, String forcedPrefill) {
            this.argumentsKey = argumentsKey;
            this.forcedPrefill = forcedPrefill;
        }
    }

    /** The convention of {@code prompt}'s template; learnt once per template and remembered. */
    static ToolConvention of(ChatPrompt prompt) {
        synchronized (LEARNT) {
            return LEARNT.computeIfAbsent(prompt, ToolConvention::learn);
        }
    }

    /** The key of a call's arguments: {@code arguments}, or {@code parameters} for Llama. */
    String argumentsKey() {
        return style.argumentsKey;
    }

    /**
     * What the assistant's turn starts with when a call is forced: the opening tag for tagged
     * calls, so the constrained output is only the call's JSON and the model sees its own format.
     */
    String forcedPrefill() {
        return style.forcedPrefill;
    }

    /** A parser for one choice that may call any of the functions {@code names}, or answer. */
    ChatOutputParser parser(Set<String> names) {
        return switch (style) {
            case TAGGED -> new ToolCallParser(true, null);
            case LLAMA_JSON -> new ToolCallParser(false, names);
            case GENERIC -> new ToolCallParser(true, names);
        };
    }

    private static ToolConvention learn(ChatPrompt prompt) {
        Map<String, Object> probe = Map.of("type", "function", "function", Map.of("name", PROBE,
                "description", "Probes the chat template.", "parameters", Map.of("type", "object",
                        "properties", Map.of("x", Map.of("type", "integer")))));
        ChatMessage user = ChatMessage.user("Call the probe.");
        ChatRequest asked = ChatRequest.of(List.of(user)).withTools(List.of(probe)).withGenerationPrompt(false);
        String before = render(prompt, asked);
        String after = render(prompt, new ChatRequest(List.of(user, ChatMessage.assistant(null,
                List.of(new ToolCall("call_probe", PROBE, "{\"x\": 1}")))), asked.tools(), false, Map.of()));
        boolean shows = before != null && before.contains(PROBE);
        // the call as the template writes it: what the assistant's turn added, where that can be told
        String call = after == null ? "" : before != null && after.startsWith(before) ? after.substring(before.length()) : after;
        Style style;
        if (call.contains(ToolCallParser.OPEN)) {
            style = Style.TAGGED;
        } else if (call.contains(PROBE) && call.lastIndexOf("\"parameters\"") > call.lastIndexOf(PROBE)) {
            style = Style.LLAMA_JSON;
        } else {
            style = Style.GENERIC;
        }
        return new ToolConvention(style, shows);
    }

    /** The template's rendering; null if it refuses the conversation (as some refuse tool turns). */
    private static String render(ChatPrompt prompt, ChatRequest request) {
        try {
            return prompt.render(request);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
