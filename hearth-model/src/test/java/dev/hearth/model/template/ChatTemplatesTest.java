package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Which built-in template a model without one gets, and what each renders (as jinja2 would). */
class ChatTemplatesTest {
    private static final ChatRequest TWO_TURNS = ChatRequest.of(List.of(
            ChatMessage.system("You are terse."),
            ChatMessage.user("Hi!"),
            ChatMessage.assistant("Hello."),
            ChatMessage.user("How are you?")));

    @Test
    void choosesChatmlForQwenAndForAnyVocabularyWithImStart() {
        assertThat(ChatTemplates.defaultFor("qwen3", token -> false).name()).isEqualTo("chatml");
        assertThat(ChatTemplates.defaultFor("llama", Set.of("<|im_start|>")::contains).name()).isEqualTo("chatml");
    }

    @Test
    void choosesLlama3OnlyWhenTheVocabularyHasHeaderTokens() {
        assertThat(ChatTemplates.defaultFor("llama", Set.of("<|start_header_id|>")::contains).name()).isEqualTo("llama3");
        assertThat(ChatTemplates.defaultFor("llama", token -> false).name()).isEqualTo("llama2");
    }

    @Test
    void choosesByArchitectureOrVocabularyForGemmaPhiAndMistral() {
        assertThat(ChatTemplates.defaultFor("gemma2", token -> false).name()).isEqualTo("gemma");
        assertThat(ChatTemplates.defaultFor("phi3", token -> false).name()).isEqualTo("phi3");
        assertThat(ChatTemplates.defaultFor("unknown", Set.of("<|end|>", "<|assistant|>")::contains).name())
                .isEqualTo("phi3");
        assertThat(ChatTemplates.defaultFor("unknown", Set.of("[INST]")::contains).name()).isEqualTo("llama2");
    }

    @Test
    void fallsBackToZephyrForUnknownModels() {
        assertThat(ChatTemplates.defaultFor(null, token -> false).name()).isEqualTo("zephyr");
    }

    @Test
    void rejectsUnknownTemplateName() {
        assertThatThrownBy(() -> ChatTemplates.named("vicuna"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chatml");
    }

    @Test
    void rendersChatml() {
        assertThat(render("chatml")).isEqualTo("""
                <|im_start|>system
                You are terse.<|im_end|>
                <|im_start|>user
                Hi!<|im_end|>
                <|im_start|>assistant
                Hello.<|im_end|>
                <|im_start|>user
                How are you?<|im_end|>
                <|im_start|>assistant
                """);
    }

    /** The built-in llama3 is Meta's Llama 3 instruct template, verbatim. */
    @Test
    void rendersLlama3() {
        assertThat(render("llama3")).isEqualTo("<s><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void rendersLlama2WithSystemInsideTheFirstInstruction() {
        assertThat(render("llama2")).isEqualTo("""
                <s>[INST] <<SYS>>
                You are terse.
                <</SYS>>

                Hi! [/INST] Hello. </s><s>[INST] How are you? [/INST]""");
    }

    @Test
    void rendersGemmaWithSystemPrefixedToFirstUserTurn() {
        assertThat(render("gemma")).isEqualTo("""
                <s><start_of_turn>user
                You are terse.

                Hi!<end_of_turn>
                <start_of_turn>model
                Hello.<end_of_turn>
                <start_of_turn>user
                How are you?<end_of_turn>
                <start_of_turn>model
                """);
    }

    @Test
    void rendersPhi3() {
        assertThat(render("phi3")).isEqualTo("""
                <|system|>
                You are terse.<|end|>
                <|user|>
                Hi!<|end|>
                <|assistant|>
                Hello.<|end|>
                <|user|>
                How are you?<|end|>
                <|assistant|>
                """);
    }

    @Test
    void rendersZephyr() {
        assertThat(render("zephyr")).isEqualTo("""
                <|system|>
                You are terse.</s>
                <|user|>
                Hi!</s>
                <|assistant|>
                Hello.</s>
                <|user|>
                How are you?</s>
                <|assistant|>
                """);
    }

    private static String render(String name) {
        return ChatTemplates.named(name).compile("<s>", "</s>").render(TWO_TURNS);
    }
}
