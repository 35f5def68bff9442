package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Every failure is one {@link TemplateException} that names the template line and the problem. */
class ChatTemplateErrorsTest {
    private static final ChatRequest HELLO = ChatRequest.of(List.of(ChatMessage.user("Hello")));

    @Test
    void surfacesRaiseExceptionMessageAndLine() {
        ChatTemplate template = ChatTemplate.of("""
                {%- for message in messages %}
                    {%- if message.role == 'user' %}
                        {{- raise_exception('Roles must alternate, got ' + message.role) }}
                    {%- endif %}
                {%- endfor %}
                """, null, null);

        assertThatThrownBy(() -> template.render(HELLO))
                .isInstanceOf(TemplateException.class)
                .hasMessage("chat template line 3: Roles must alternate, got user")
                .extracting(e -> ((TemplateException) e).problem())
                .isEqualTo("Roles must alternate, got user");
    }

    @Test
    void namesLineOfUnclosedTagWhenCompiling() {
        assertThatThrownBy(() -> ChatTemplate.of("hello\n{% if messages %}\nunclosed\n", null, null))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("chat template line 2: ")
                .hasMessageContaining("endif");
    }

    @Test
    void namesLineOfUnknownTagWhenCompiling() {
        assertThatThrownBy(() -> ChatTemplate.of("hello\n\n{% shuffle %}x{% endshuffle %}", null, null))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("chat template line 3: ")
                .hasMessageContaining("shuffle");
    }

    @Test
    void namesLineOfUnknownFilterWhenCompiling() {
        assertThatThrownBy(() -> ChatTemplate.of("a\nb\n{{ messages | shuffle_twice }}", null, null))
                .isInstanceOf(TemplateException.class)
                .hasMessage("chat template line 3: no filter named 'shuffle_twice'");
    }

    @Test
    void namesLineOfBrokenExpressionWhenRendering() {
        ChatTemplate template = ChatTemplate.of("line one\n{{ 1 + }}", null, null);

        assertThatThrownBy(() -> template.render(HELLO))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("chat template line 2: ");
    }
}
