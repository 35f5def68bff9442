package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The jinja2 features chat templates rely on render as in Hugging Face's sandbox. Every
 * expected string here is what jinja2 3.1 printed for the same template.
 */
class JinjaCompatibilityTest {

    @Test
    void splitsOnLiteralSeparatorKeepingTrailingEmptyStrings() {
        assertThat(render("{{ s.split('</think>')[-1] }}|{{ s.split('</think>')|length }}|{{ ' a  b '.split() }}"
                + "|{{ 'a,b,,c'.split(',', 1) }}", "s", "a</think>b</think>"))
                .isEqualTo("|3|['a', 'b']|['a', 'b,,c']");
    }

    @Test
    void stripsWhitespaceOrGivenCharacters() {
        assertThat(render("[{{ '\\n\\nx\\n'.strip('\\n') }}][{{ '  y '.lstrip() }}][{{ 'zz--'.rstrip('-') }}]"))
                .isEqualTo("[x][y ][zz]");
    }

    @Test
    void changesCaseAsPython() {
        assertThat(render("{{ 'hello wORLD they\\'re'.title() }} {{ 'ab'.upper() }} {{ 'AB'.lower() }}"))
                .isEqualTo("Hello World They'Re AB ab");
    }

    @Test
    void testsPrefixesAndSuffixes() {
        assertThat(render("{{ s.startswith('a') }} {{ s.endswith('>') }} {{ s.startswith(('x', 'a')) }}", "s", "ab>"))
                .isEqualTo("True True True");
    }

    @Test
    void slicesWithStepsAndNegativeBounds() {
        assertThat(render("{{ l[::-1] }} {{ l[1:] }} {{ l[:-1] }} {{ l[::2] }} {{ l[-2:] }} {{ 'hello'[::-1] }} "
                + "{{ 'hello'[1:3] }} {{ l[5:] }} {{ l[1:-1][0] }} {{ 'hello'[0] }}{{ 'hello'[-1] }}", "l", List.of(1, 2, 3, 4)))
                .isEqualTo("[4, 3, 2, 1] [2, 3, 4] [1, 2, 3] [1, 3] [3, 4] olleh el [] 2 ho");
    }

    @Test
    void readsDictsAsPython() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("k", "v");
        d.put("a", 1);
        assertThat(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.get('z', 'dflt') }}"
                + "{{ d.get('k') }}{% for k in d %}[{{ k }}]{% endfor %}{{ 'k' in d }}", "d", d))
                .isEqualTo("k=v;a=1;dfltv[k][a]True");
    }

    @Test
    void bindsNotLooserThanComparisonsAndTests() {
        assertThat(render("{{ not l|length == 1 }} {{ not x is defined }} {{ not 'a' in 'abc' }} {{ 'y' if not x else 'n' }}",
                "l", List.of(1, 2)))
                .isEqualTo("True True False y");
    }

    @Test
    void evaluatesWholeExpressionAsKeywordArgument() {
        assertThat(render("{% set ns = namespace(last=l|length - 1, flag=true) %}{{ ns.last }} {{ ns.flag }}",
                "l", List.of(1, 2, 3)))
                .isEqualTo("2 True");
    }

    @Test
    void assignsNamespaceAttributesInsideLoops() {
        assertThat(render("{% set ns = namespace(a=1, b='x') %}{% for i in [1, 2] %}{% set ns.a = ns.a + i %}"
                + "{% set ns.b = ns.b ~ i %}{% endfor %}{{ ns.a }} {{ ns.b }}"))
                .isEqualTo("4 x12");
    }

    @Test
    void supportsBreakContinueAndLoopVariables() {
        assertThat(render("{% for i in [1, 2, 3, 4] %}{% if i == 2 %}{% continue %}{% endif %}"
                + "{% if i == 4 %}{% break %}{% endif %}{{ i }}{{ loop.first }}{{ loop.last }}{{ loop.index0 }};{% endfor %}"))
                .isEqualTo("1TrueFalse0;3FalseFalse2;");
    }

    @Test
    void appliesTestsAndFilters() {
        List<Map<String, Object>> messages = List.of(
                Map.of("role", "user", "content", "a"),
                Map.of("role", "assistant", "content", "b"),
                Map.of("role", "user", "content", "c"));
        assertThat(render("{{ m|selectattr('role', 'equalto', 'user')|map(attribute='content')|join(',') }} "
                + "{{ m|length }} {{ (m|first).content }} {{ (m|last).content }} {{ m is string }} {{ 'x' is string }} "
                + "{{ m[0] is mapping }} {{ 'x' is iterable }} {{ y is defined }} {{ '  t '|trim }}", "m", messages))
                .isEqualTo("a,c 3 a c False True True True False t");
    }

    @Test
    void trimsBlocksAndStripsOnlyIndentationBeforeTags() {
        assertThat(render("  {% if true %}\n  X\n  {% endif %}\nY\n")).isEqualTo("  X\nY");
        assertThat(render("{{ 'x' }}\n  {%- if true %} y {% endif -%}\n  z")).isEqualTo("x y z");
        assertThat(render("A {# note #} B\n {# own line #}\n {{ 'v' }}")).isEqualTo("A  B\n v");
    }

    @Test
    void printsMessageTextVerbatimWithoutRenderingItAgain() {
        assertThat(render("{{ s }}", "s", "{{ 7 * 7 }} {% if %}")).isEqualTo("{{ 7 * 7 }} {% if %}");
    }

    @Test
    void printsJsonAsPythonJsonDumps() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("b", Map.of("x", List.of(1)));
        d.put("a", "ü");
        assertThat(render("{{ d|tojson }}|{{ d|tojson(indent=2) }}", "d", d))
                .isEqualTo("{\"b\": {\"x\": [1]}, \"a\": \"ü\"}|{\n  \"b\": {\n    \"x\": [\n      1\n    ]\n  },\n  \"a\": \"ü\"\n}");
    }

    @Test
    void rendersGenerationBlockBody() {
        assertThat(render("{% generation %}answer{% endgeneration %}")).isEqualTo("answer");
    }

    private static String render(String source) {
        return ChatTemplate.of(source, null, null).render(ChatRequest.of(List.of()));
    }

    private static String render(String source, String name, Object value) {
        return ChatTemplate.of(source, null, null).render(ChatRequest.of(List.of()).withVariable(name, value));
    }
}
