package dev.hearth.model.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

import jinjava.javax.el.ELException;

/** Python's {@code str} methods that chat templates call, with Python's exact semantics. */
final class PythonStrings {
    private PythonStrings() {}

    static final Set<String> METHODS = Set.of(
            "strip", "lstrip", "rstrip", "split", "startswith", "endswith", "upper", "lower",
            "title", "capitalize", "replace", "find", "count", "join");

    static Object call(String s, String method, Object[] args) {
        return switch (method) {
            case "strip" -> strip(s, chars(method, args), true, true);
            case "lstrip" -> strip(s, chars(method, args), true, false);
            case "rstrip" -> strip(s, chars(method, args), false, true);
            case "split" -> split(s, args);
            case "startswith" -> affix(s, method, args, true);
            case "endswith" -> affix(s, method, args, false);
            case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            case "replace" -> replace(s, args);
            case "find" -> s.indexOf(text(method, arg(method, args, 0)));
            case "count" -> count(s, text(method, arg(method, args, 0)));
            case "join" -> join(s, arg(method, args, 0));
            default -> throw new ELException("str has no method " + method);
        };
    }

    private static IntPredicate chars(String method, Object[] args) {
        if (args.length > 1) {
            throw new ELException(method + "() takes at most 1 argument (" + args.length + " given)");
        }
        if (args.length == 0 || args[0] == null) {
            return PythonStrings::isPythonSpace;
        }
        String set = text(method, args[0]);
        return c -> set.indexOf(c) >= 0;
    }

    private static String strip(String s, IntPredicate drop, boolean left, boolean right) {
        int from = 0;
        int to = s.length();
        while (left && from < to && drop.test(s.charAt(from))) {
            from++;
        }
        while (right && to > from && drop.test(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** {@code str.split(sep=None, maxsplit=-1)}: literal separator, trailing empty strings kept. */
    private static List<String> split(String s, Object[] args) {
        Object sep = args.length > 0 ? args[0] : null;
        int max = args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isPythonSpace(s.charAt(i))) {
                    i++;
                }
                if (i == s.length()) {
                    return parts;
                }
                if (max >= 0 && parts.size() == max) {
                    parts.add(strip(s.substring(i), PythonStrings::isPythonSpace, false, true));
                    return parts;
                }
                int end = i;
                while (end < s.length() && !isPythonSpace(s.charAt(end))) {
                    end++;
                }
                parts.add(s.substring(i, end));
                i = end;
            }
        }
        String separator = text("split", sep);
        if (separator.isEmpty()) {
            throw new ELException("empty separator");
        }
        int from = 0;
        for (int at; (max < 0 || parts.size() < max) && (at = s.indexOf(separator, from)) >= 0; ) {
            parts.add(s.substring(from, at));
            from = at + separator.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** {@code startswith}/{@code endswith}, which also accept a tuple (a list here) of affixes. */
    private static boolean affix(String s, String method, Object[] args, boolean start) {
        Object wanted = arg(method, args, 0);
        if (wanted instanceof Iterable<?> options) {
            for (Object option : options) {
                if (affix(s, method, new Object[] {option}, start)) {
                    return true;
                }
            }
            return false;
        }
        String affix = text(method, wanted);
        return start ? s.startsWith(affix) : s.endsWith(affix);
    }

    /** Upper-cases the first letter of every run of letters and lower-cases the rest, as Python does. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean letter = Character.isLetter(c);
            out.appendCodePoint(!letter ? c : inWord ? Character.toLowerCase(c) : Character.toTitleCase(c));
            inWord = letter;
            i += Character.charCount(c);
        }
        return out.toString();
    }

    private static String replace(String s, Object[] args) {
        String old = text("replace", arg("replace", args, 0));
        String replacement = text("replace", arg("replace", args, 1));
        int limit = args.length > 2 && args[2] instanceof Number n ? n.intValue() : -1;
        if (limit < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int done = 0, at; done < limit && (at = s.indexOf(old, from)) >= 0; done++) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) {
                if (from < s.length()) {
                    out.append(s.charAt(from));
                }
                from++;
            }
        }
        return from <= s.length() ? out.append(s.substring(from)).toString() : out.toString();
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object items) {
        if (!(items instanceof Iterable<?> iterable)) {
            throw new ELException("can only join an iterable");
        }
        List<String> parts = new ArrayList<>();
        for (Object item : iterable) {
            parts.add(text("join", item));
        }
        return String.join(separator, parts);
    }

    private static Object arg(String method, Object[] args, int index) {
        if (index >= args.length) {
            throw new ELException(method + "() is missing argument " + (index + 1));
        }
        return args[index];
    }

    private static String text(String method, Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        throw new ELException(method + "() expects a string, not " + (value == null ? "none" : value));
    }

    /** Python's {@code str.isspace} for the characters that occur in practice. */
    static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }
}
