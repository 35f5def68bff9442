package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rewrites that let Jinjava parse jinja2 code, each tested as text. */
class SourceRewriterTest {

    @Test
    void rewritesSlicesIntoSliceCalls() {
        assertThat(ExpressionRewriter.rewrite(" for m in messages[::-1] "))
                .isEqualTo(" for m in messages.hearth_slice(none, none, -1) ");
        assertThat(ExpressionRewriter.rewrite("x[1:][0] ~ y[a:b - 1]"))
                .isEqualTo("x.hearth_slice(1, none, none)[0] ~ y.hearth_slice(a, b - 1, none)");
    }

    @Test
    void leavesIndexingListsAndDictLiteralsAlone() {
        assertThat(ExpressionRewriter.rewrite("m['role'] + [1, 2]|string + {'a': 1}.a"))
                .isEqualTo("m['role'] + [1, 2]|string + {'a': 1}.a");
    }

    @Test
    void groupsOperandOfNotUpToTheNextBooleanOperator() {
        assertThat(ExpressionRewriter.rewrite(" if not m.tool_calls|length == 1 and not x "))
                .isEqualTo(" if not (m.tool_calls|length == 1) and not x ");
        assertThat(ExpressionRewriter.rewrite("a is not none and b not in c"))
                .isEqualTo("a is not none and b not in c");
    }

    @Test
    void parenthesisesCompoundKeywordArguments() {
        assertThat(ExpressionRewriter.rewrite(" set ns = namespace(flag=true, last=messages|length - 1) "))
                .isEqualTo(" set ns = namespace(flag=true, last=(messages|length - 1)) ");
    }

    @Test
    void neverRewritesInsideStringLiterals() {
        assertThat(ExpressionRewriter.rewrite("'not a == b [::-1]' + \"x[1:]\""))
                .isEqualTo("'not a == b [::-1]' + \"x[1:]\"");
    }

    @Test
    void dropsOneTrailingNewlineAndNormalisesLineEndings() {
        assertThat(SourceRewriter.rewrite("a\r\nb\n")).isEqualTo("a\nb");
    }

    @Test
    void stripsIndentationBeforeBlockTagsOnlyAtLineStart() {
        assertThat(SourceRewriter.rewrite("x\n    {% if a %}y {% endif %}")).isEqualTo("x\n{% if a %}y {% endif %}");
    }

    @Test
    void movesTrimmedNewlinesIntoCommentsSoLinesStillCount() {
        assertThat(SourceRewriter.rewrite("{% if a %}\ny\n{%- endif %}\n")).isEqualTo("{% if a %}{#\n#}y\n{%- endif %}");
    }

    @Test
    void findsFiltersAndTestsWithTheirLines() {
        assertThat(SourceRewriter.namesUsed("a\n{{ x | tojson }}\n{% if y is not none %}{% endif %}"))
                .containsExactly(
                        new SourceRewriter.NameUse(true, "tojson", 2),
                        new SourceRewriter.NameUse(false, "none", 3));
    }
}
