package dev.hearth.model.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the code inside one {@code {{ }}} or {@code {% %}} so that Jinjava's expression
 * parser (JUEL, extended) reads it as jinja2 does. Three differences need it:
 *
 * <ol>
 *   <li><b>Slices.</b> {@code seq[a:b:c]} becomes {@code seq.hearth_slice(a, b, c)}, evaluated by
 *       {@link PythonMethods} with Python's semantics: Jinjava rejects a step
 *       ({@code messages[::-1]}, which Qwen templates use to scan backwards).
 *   <li><b>{@code not}.</b> In jinja2 {@code not} binds looser than comparisons; in Jinjava it
 *       binds tightest, so {@code not x|length == 1} would compare {@code (not x|length)} with 1.
 *       {@code not a == b} becomes {@code not (a == b)}: the operand runs to the next
 *       {@code and}, {@code or}, {@code if}, {@code else}, comma, colon or closing bracket.
 *   <li><b>Keyword arguments.</b> Jinjava's {@code name=value} binds tighter than arithmetic, so
 *       {@code namespace(i=messages|length - 1)} would subtract 1 from the named parameter.
 *       A call's keyword argument whose value has more than one token gets parentheses.
 * </ol>
 *
 * <p>Text keeps its characters (only parentheses and the slice call are added), so line
 * numbers in error messages stay right.
 */
final class ExpressionRewriter {
    private ExpressionRewriter() {}

    private enum Kind { SPACE, STRING, WORD, OPEN, CLOSE, PUNCT }

    private record Token(Kind kind, String text) {
        boolean is(String s) {
            return text.equals(s);
        }
    }

    /** Words after which an opening parenthesis groups rather than calls. */
    private static final Set<String> KEYWORDS =
            Set.of("not", "and", "or", "in", "is", "if", "else", "elif", "for", "set", "return");

    /** Words that end the operand of {@code not}. */
    private static final Set<String> NOT_STOPS = Set.of("and", "or", "if", "else");

    /** A filter ({@code x|name}) or test ({@code x is name}) the code uses, at a char offset. */
    record NameUse(boolean filter, String name, int offset) {}

    /** The filters and tests the code names, so that unknown ones fail at load as in jinja2. */
    static List<NameUse> namesUsed(String code) {
        List<Token> tokens = tokenize(code);
        List<NameUse> uses = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < tokens.size(); offset += tokens.get(i).text.length(), i++) {
            Token t = tokens.get(i);
            boolean filter = t.is("|");
            if (!filter && !t.is("is")) {
                continue;
            }
            int name = nextSolid(tokens, i + 1, tokens.size());
            if (!filter && name < tokens.size() && tokens.get(name).is("not")) {
                name = nextSolid(tokens, name + 1, tokens.size());
            }
            if (name < tokens.size() && tokens.get(name).kind == Kind.WORD) {
                uses.add(new NameUse(filter, tokens.get(name).text, offset));
            }
        }
        return uses;
    }

    static String rewrite(String code) {
        List<Token> tokens = tokenize(code);
        StringBuilder out = new StringBuilder(code.length() + 16);
        emit(tokens, 0, tokens.size(), out);
        return out.toString();
    }

    /** Writes tokens {@code [from, to)} rewritten. */
    private static void emit(List<Token> tokens, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind == Kind.OPEN) {
                int close = matching(tokens, i, to);
                boolean afterOperand = isOperandEnd(previous(tokens, i, from));
                if (t.is("[") && afterOperand && !colons(tokens, i + 1, close).isEmpty()) {
                    emitSlice(tokens, i + 1, close, out);
                } else if (t.is("(") && afterOperand) {
                    out.append('(');
                    emitArguments(tokens, i + 1, close, out);
                    closeGroup(tokens, close, to, out);
                } else {
                    out.append(t.text);
                    emit(tokens, i + 1, close, out);
                    closeGroup(tokens, close, to, out);
                }
                i = close;
            } else if (t.kind == Kind.WORD && t.is("not") && isPrefixNot(tokens, i, from, to)) {
                int end = operandEnd(tokens, i + 1, to);
                int last = lastSolid(tokens, i + 1, end);
                if (solidCount(tokens, i + 1, last + 1) > 1) {
                    out.append("not");
                    int first = nextSolid(tokens, i + 1, to);
                    out.append(joined(tokens, i + 1, first)).append('(');
                    emit(tokens, first, last + 1, out);
                    out.append(')');
                    i = last;
                } else {
                    out.append(t.text);
                }
            } else {
                out.append(t.text);
            }
        }
    }

    private static void closeGroup(List<Token> tokens, int close, int to, StringBuilder out) {
        if (close < to) {
            out.append(tokens.get(close).text);
        }
    }

    /** {@code [a:b:c]} as {@code .hearth_slice(a, b, c)}, omitted bounds as {@code none}. */
    private static void emitSlice(List<Token> tokens, int from, int to, StringBuilder out) {
        List<Integer> colons = colons(tokens, from, to);
        out.append('.').append(PythonMethods.SLICE).append('(');
        int start = from;
        for (int part = 0; part < 3; part++) {
            int end = part < colons.size() ? colons.get(part) : to;
            out.append(part > 0 ? ", " : "");
            if (start >= end || solidCount(tokens, start, end) == 0) {
                out.append("none");
            } else {
                emit(tokens, start, end, out);
            }
            start = Math.min(end + 1, to);
        }
        out.append(')');
    }

    /** A call's arguments, with parentheses around multi-token keyword values. */
    private static void emitArguments(List<Token> tokens, int from, int to, StringBuilder out) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && tokens.get(i).kind == Kind.OPEN) {
                i = matching(tokens, i, to);
                continue;
            }
            if (i == to || tokens.get(i).is(",")) {
                emitArgument(tokens, start, i, out);
                if (i < to) {
                    out.append(',');
                }
                start = i + 1;
            }
        }
    }

    private static void emitArgument(List<Token> tokens, int from, int to, StringBuilder out) {
        int name = nextSolid(tokens, from, to);
        int equals = name < to ? nextSolid(tokens, name + 1, to) : to;
        boolean keyword = name < to && tokens.get(name).kind == Kind.WORD && equals < to && tokens.get(equals).is("=");
        if (!keyword) {
            emit(tokens, from, to, out);
            return;
        }
        int value = nextSolid(tokens, equals + 1, to);
        int last = lastSolid(tokens, value, to);
        emit(tokens, from, value, out);
        if (solidCount(tokens, value, last + 1) > 1) {
            out.append('(');
            emit(tokens, value, last + 1, out);
            out.append(')');
        } else {
            emit(tokens, value, last + 1, out);
        }
        emit(tokens, last + 1, to, out);
    }

    /** {@code not} as a prefix operator: not {@code is not} and not {@code not in}. */
    private static boolean isPrefixNot(List<Token> tokens, int i, int from, int to) {
        Token before = previous(tokens, i, from);
        int next = nextSolid(tokens, i + 1, to);
        return !(before != null && before.is("is")) && !(next < to && tokens.get(next).is("in"));
    }

    /** Where the operand of a prefix {@code not} starting at {@code from} ends. */
    private static int operandEnd(List<Token> tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind == Kind.OPEN) {
                i = matching(tokens, i, to);
            } else if (t.kind == Kind.CLOSE || t.is(",") || t.is(":")
                    || (t.kind == Kind.WORD && NOT_STOPS.contains(t.text))) {
                return i;
            }
        }
        return to;
    }

    private static boolean isOperandEnd(Token t) {
        return t != null && (t.kind == Kind.CLOSE || t.kind == Kind.STRING
                || (t.kind == Kind.WORD && !KEYWORDS.contains(t.text)));
    }

    private static List<Integer> colons(List<Token> tokens, int from, int to) {
        List<Integer> found = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (tokens.get(i).kind == Kind.OPEN) {
                i = matching(tokens, i, to);
            } else if (tokens.get(i).is(":")) {
                found.add(i);
            }
        }
        return found;
    }

    /** The index of the token closing the group opened at {@code open}, or {@code to} if unclosed. */
    private static int matching(List<Token> tokens, int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            Kind kind = tokens.get(i).kind;
            if (kind == Kind.OPEN) {
                depth++;
            } else if (kind == Kind.CLOSE && --depth == 0) {
                return i;
            }
        }
        return to;
    }

    private static Token previous(List<Token> tokens, int i, int from) {
        for (int j = i - 1; j >= from; j--) {
            if (tokens.get(j).kind != Kind.SPACE) {
                return tokens.get(j);
            }
        }
        return null;
    }

    private static int nextSolid(List<Token> tokens, int from, int to) {
        int i = from;
        while (i < to && tokens.get(i).kind == Kind.SPACE) {
            i++;
        }
        return i;
    }

    private static int lastSolid(List<Token> tokens, int from, int to) {
        int i = to - 1;
        while (i >= from && tokens.get(i).kind == Kind.SPACE) {
            i--;
        }
        return i;
    }

    /** Non-space tokens in the range, a bracketed group counting as one. */
    private static int solidCount(List<Token> tokens, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (tokens.get(i).kind == Kind.OPEN) {
                i = matching(tokens, i, to);
            }
            if (tokens.get(Math.min(i, to - 1)).kind != Kind.SPACE) {
                n++;
            }
        }
        return n;
    }

    private static String joined(List<Token> tokens, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            out.append(tokens.get(i).text);
        }
        return out.toString();
    }

    private static List<Token> tokenize(String code) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            int end = i + 1;
            Kind kind;
            if (Character.isWhitespace(c)) {
                kind = Kind.SPACE;
                while (end < code.length() && Character.isWhitespace(code.charAt(end))) {
                    end++;
                }
            } else if (c == '\'' || c == '"') {
                kind = Kind.STRING;
                while (end < code.length() && code.charAt(end) != c) {
                    end += code.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, code.length());
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                kind = Kind.WORD;
                while (end < code.length() && (Character.isLetterOrDigit(code.charAt(end)) || code.charAt(end) == '_')) {
                    end++;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                kind = Kind.OPEN;
            } else if (c == ')' || c == ']' || c == '}') {
                kind = Kind.CLOSE;
            } else {
                kind = Kind.PUNCT;
                // two-character operators, so that a lone "=" is always an assignment
                if (end < code.length() && "=!<>*/".indexOf(c) >= 0 && (code.charAt(end) == '=' || code.charAt(end) == c)) {
                    end++;
                }
            }
            tokens.add(new Token(kind, code.substring(i, end)));
            i = end;
        }
        return tokens;
    }
}
