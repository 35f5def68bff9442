package dev.hearth.serve.openai;

import dev.hearth.serve.openai.ChatCompletionChunk.Delta;
import dev.hearth.serve.openai.ChatCompletionChunk.ToolCallDelta;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads tool calls out of a choice's text as it streams, in two shapes models use:
 *
 * <ul>
 *   <li><b>tagged</b>: {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>}, as many
 *       as the model likes, anywhere in the answer (Qwen 2.5 and 3, Hermes). Text outside the tags
 *       is content and streams at once, except a tail that may be the start of the opening tag.
 *   <li><b>bare</b>: an answer that is nothing but JSON calls, {@code {"name": …, "parameters": {…}}}
 *       (Llama 3.1 and 3.2, after an optional {@code <|python_tag|>}), or any answer when a call is
 *       forced. An answer that begins with {@code {} or {@code [} is held to its end, then read as
 *       calls if it is only calls of offered functions, and as content otherwise.
 * </ul>
 *
 * <p>A call is sent whole, as one {@code tool_calls} delta (id, name and all its arguments), when
 * its closing tag (or the answer's end) arrives. A malformed call is never dropped: its text,
 * tags and all, goes out as content. Whitespace between content and calls is dropped once a call
 * has been made (a model's newlines around its tags are not an answer), so an answer without calls
 * comes out exactly as the model wrote it. Not thread-safe; one per choice.
 */
final class ToolCallParser implements ChatOutputParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    private static final String PYTHON_TAG = "<|python_tag|>";

    private enum State { START, BARE, TEXT, CALL }

    private final boolean tagged;
    private final Set<String> bareNames;    // the names a bare call may have; null when bare calls are not read
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder heldSpace = new StringBuilder();
    private State state;
    private int calls;
    private boolean afterCall;              // no content since the last call

    /**
     * @param tagged whether {@code <tool_call>} tags mark calls
     * @param bareNames the offered functions' names, when an answer of bare JSON calls is read as
     *     calls; null when it is not
     */
    ToolCallParser(boolean tagged, Set<String> bareNames) {
        this.tagged = tagged;
        this.bareNames = bareNames == null ? null : Set.copyOf(bareNames);
        this.state = bareNames != null ? State.START : State.TEXT;
    }

    /** A parser for an answer constrained to be one bare call of one of {@code names}. */
    static ToolCallParser forced(Set<String> names) {
        return new ToolCallParser(false, Objects.requireNonNull(names, "names"));
    }

    @Override
    public List<Delta> accept(String text) {
        pending.append(text);
        List<Delta> out = new ArrayList<>();
        drain(out, false);
        return out;
    }

    @Override
    public List<Delta> finish() {
        List<Delta> out = new ArrayList<>();
        drain(out, true);
        if (calls == 0 && !heldSpace.isEmpty()) {
            out.add(Delta.content(heldSpace.toString()));
        }
        heldSpace.setLength(0);
        return out;
    }

    private void drain(List<Delta> out, boolean end) {
        while (true) {
            switch (state) {
                case START -> {
                    String start = withoutPythonTag(pending.toString().stripLeading());
                    if (start == null || start.isEmpty()) { // nothing yet, or a partial <|python_tag|>
                        if (!end) {
                            return;
                        }
                        state = State.TEXT;
                    } else {
                        state = start.charAt(0) == '{' || start.charAt(0) == '[' ? State.BARE : State.TEXT;
                    }
                }
                case BARE -> {
                    if (!end) {
                        return;
                    }
                    String start = withoutPythonTag(pending.toString().stripLeading());
                    List<ToolCallJson.Call> bare = start == null ? null : ToolCallJson.bare(start, bareNames);
                    if (bare != null) {
                        bare.forEach(call -> call(out, call));
                        pending.setLength(0);
                        return;
                    }
                    state = State.TEXT; // not calls after all: content (and whatever tagged calls are in it)
                }
                case TEXT -> {
                    int open = tagged ? pending.indexOf(OPEN) : -1;
                    if (open >= 0) {
                        content(out, pending.substring(0, open));
                        pending.delete(0, open + OPEN.length());
                        state = State.CALL;
                        continue;
                    }
                    int keep = tagged && !end ? partialTag(pending) : 0;
                    content(out, pending.substring(0, pending.length() - keep));
                    pending.delete(0, pending.length() - keep);
                    return;
                }
                case CALL -> {
                    int close = pending.indexOf(CLOSE);
                    if (close < 0 && !end) {
                        return;
                    }
                    String body = pending.substring(0, close < 0 ? pending.length() : close);
                    ToolCallJson.Call call = ToolCallJson.tagged(body);
                    if (call != null) {
                        call(out, call);
                    } else {
                        content(out, OPEN + body + (close < 0 ? "" : CLOSE));
                    }
                    pending.delete(0, close < 0 ? pending.length() : close + CLOSE.length());
                    state = State.TEXT;
                }
            }
        }
    }

    /**
     * {@code text} after an optional {@code <|python_tag|>}; null while it may still be the start
     * of that tag.
     */
    private static String withoutPythonTag(String text) {
        if (text.startsWith(PYTHON_TAG)) {
            return text.substring(PYTHON_TAG.length()).stripLeading();
        }
        return PYTHON_TAG.startsWith(text) && !text.isEmpty() ? null : text;
    }

    /** The length of the longest tail of {@code text} that begins the opening tag. */
    private static int partialTag(CharSequence text) {
        for (int n = Math.min(OPEN.length() - 1, text.length()); n > 0; n--) {
            if (OPEN.startsWith(text.subSequence(text.length() - n, text.length()).toString())) {
                return n;
            }
        }
        return 0;
    }

    /** Content, less the whitespace that may turn out to stand between it and a call. */
    private void content(List<Delta> out, String text) {
        if (afterCall) { // the whitespace between a call and what follows it goes
            text = text.stripLeading();
        }
        int kept = text.length();
        while (kept > 0 && Character.isWhitespace(text.charAt(kept - 1))) {
            kept--;
        }
        if (kept == 0) {
            heldSpace.append(text);
            return;
        }
        out.add(Delta.content(heldSpace + text.substring(0, kept)));
        heldSpace.setLength(0);
        heldSpace.append(text, kept, text.length());
        afterCall = false;
    }

    private void call(List<Delta> out, ToolCallJson.Call call) {
        heldSpace.setLength(0);
        afterCall = true;
        out.add(new Delta(null, null, List.of(new ToolCallDelta(calls++, ToolCallJson.newId(), "function",
                new ChatCompletion.Function(call.name(), call.arguments()))), null));
    }
}
