package dev.hearth.model.template;

import java.util.ArrayList;
import java.util.List;

/**
 * The source rewrites that make Jinjava read a template as jinja2 does, where Jinjava's parser
 * cannot be configured or extended. Line numbers stay unchanged.
 *
 * <ul>
 *   <li>Line endings become {@code \n} and one trailing newline is dropped: jinja2's lexer does
 *       both ({@code keep_trailing_newline} is false in Hugging Face's environment), Jinjava
 *       does neither.
 *   <li>jinja2's {@code lstrip_blocks} is done here, and Jinjava's is off: jinja2 strips the
 *       spaces and tabs before a block or comment tag only when nothing else precedes it on its
 *       line, Jinjava strips them always ({@code x {% endif %}} would lose its space).
 *   <li>jinja2's {@code trim_blocks} is done here too, and Jinjava's is off: Jinjava drops the
 *       newline after a block tag but forgets to count it, so every later error would name the
 *       wrong line. The newline is moved into an empty comment instead ({@code %}{#\n#}}),
 *       which prints nothing but still counts.
 *   <li>The code inside each {@code {{ }}} and {@code {% %}} goes through
 *       {@link ExpressionRewriter} (slices, {@code not} precedence, keyword arguments). Text,
 *       comments and the whitespace-control marks ({@code {%-}, {@code -%}}) are left alone.
 * </ul>
 */
final class SourceRewriter {
    private SourceRewriter() {}

    /** A filter or test the template names, and the line it is on. */
    record NameUse(boolean filter, String name, int line) {}

    /** The filters and tests the template's code names. */
    static List<NameUse> namesUsed(String source) {
        String text = source.replace("\r\n", "\n").replace('\r', '\n');
        List<NameUse> uses = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = nextDelimiter(text, i);
            if (open < 0) {
                break;
            }
            char kind = text.charAt(open + 1);
            if (kind == '#') {
                int close = text.indexOf("#}", open + 2);
                i = close < 0 ? text.length() : close + 2;
                continue;
            }
            int close = endOfCode(text, open + 2, kind == '{' ? '}' : '%');
            String code = text.substring(open + 2, close);
            for (ExpressionRewriter.NameUse use : ExpressionRewriter.namesUsed(code)) {
                int line = 1 + (int) text.substring(0, open + 2 + use.offset()).chars().filter(c -> c == '\n').count();
                uses.add(new NameUse(use.filter(), use.name(), line));
            }
            i = close;
        }
        return uses;
    }

    static String rewrite(String source) {
        String text = source.replace("\r\n", "\n").replace('\r', '\n');
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        StringBuilder out = new StringBuilder(text.length() + 64);
        int i = 0;
        boolean lineStarting = true;
        while (i < text.length()) {
            int open = nextDelimiter(text, i);
            if (open < 0) {
                out.append(text, i, text.length());
                break;
            }
            char kind = text.charAt(open + 1);
            out.append(text, i, lstrips(text, i, open, kind, lineStarting) ? lineStart(text, i, open) : open);
            out.append(text, open, open + 2);
            if (kind == '#') {
                int close = text.indexOf("#}", open + 2);
                int end = close < 0 ? text.length() : close + 2;
                out.append(text, open + 2, end);
                lineStarting = endsLine(text, end, close > 0 && text.charAt(close - 1) == '-');
                i = trimBlock(text, end, out);
                continue;
            }
            int close = endOfCode(text, open + 2, kind == '{' ? '}' : '%');
            int from = open + 2;
            int to = close;
            if (from < to && (text.charAt(from) == '-' || text.charAt(from) == '+')) {
                from++;
            }
            if (to > from && text.charAt(to - 1) == '-') {
                to--;
            }
            out.append(text, open + 2, from)
                    .append(ExpressionRewriter.rewrite(text.substring(from, to)))
                    .append(text, to, close);
            lineStarting = kind == '%' ? endsLine(text, close + 2, to < close) : to < close && endsLine(text, close + 2, true);
            i = close;
            if (kind == '%' && close + 2 <= text.length()) {
                out.append(text, close, close + 2);
                i = trimBlock(text, close + 2, out);
            }
        }
        return out.toString();
    }

    /** trim_blocks: the newline right after a block or comment tag ending at {@code end}. */
    private static int trimBlock(String text, int end, StringBuilder out) {
        if (end < text.length() && text.charAt(end) == '\n') {
            out.append("{#\n#}");
            return end + 1;
        }
        return end;
    }

    /**
     * Whether jinja2 would lstrip the text {@code [from, tag)} before a tag: for block and
     * comment tags without a {@code +} or {@code -} mark, when only spaces and tabs lie between
     * the tag and the start of its line, and that line starts within this text or right after
     * the previous tag (its lexer's {@code line_starting}).
     */
    private static boolean lstrips(String text, int from, int tag, char kind, boolean lineStarting) {
        if (kind == '{' || (tag + 2 < text.length() && (text.charAt(tag + 2) == '+' || text.charAt(tag + 2) == '-'))) {
            return false;
        }
        int newline = text.lastIndexOf('\n', tag - 1);
        if (newline < from && !lineStarting) {
            return false;
        }
        for (int i = Math.max(from, newline + 1); i < tag; i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int lineStart(String text, int from, int tag) {
        return Math.max(from, text.lastIndexOf('\n', tag - 1) + 1);
    }

    /**
     * Whether the lexer's match for a closing mark ending at {@code end} ends with a newline:
     * trim_blocks takes one newline after a block or comment, {@code -} all whitespace.
     */
    private static boolean endsLine(String text, int end, boolean trimsAll) {
        if (!trimsAll) {
            return end < text.length() && text.charAt(end) == '\n';
        }
        int i = end;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i > end && text.charAt(i - 1) == '\n';
    }

    private static int nextDelimiter(String text, int from) {
        for (int i = from; i + 1 < text.length(); i++) {
            char next = text.charAt(i + 1);
            if (text.charAt(i) == '{' && (next == '{' || next == '%' || next == '#')) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where the code starting at {@code from} ends: at the {@code }}} or {@code %}} outside any
     * string or bracket (a dict literal may hold {@code }}}).
     */
    private static int endOfCode(String text, int from, char closer) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(text, i) - 1;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if ((c == '}' || c == ']' || c == ')') && depth > 0) {
                depth--;
            } else if (depth == 0 && c == closer && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                return i;
            }
        }
        return text.length();
    }

    private static int endOfString(String text, int start) {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        return text.length();
    }
}
