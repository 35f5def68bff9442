package dev.hearth.serve.openai;

import dev.hearth.model.constrain.JsonGrammar;
import dev.hearth.model.sampling.TokenConstraint;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.InferenceEngine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * {@link ChatOutputs#standard()}: {@code response_format} and {@code tools} / {@code tool_choice}
 * as OpenAI means them, on any model.
 *
 * <ul>
 *   <li>{@code response_format} {@code json_object} / {@code json_schema}: every choice constrained to
 *       the grammar ({@link ResponseFormat#grammar()}), a fresh constraint each.
 *   <li>{@code tool_choice} {@code none}: the tools are neither shown to the template nor looked
 *       for in the answer.
 *   <li>{@code auto}: the answer is read for calls in the model's own convention
 *       ({@link ToolConvention}); {@code response_format}, if any, still constrains it, so a JSON
 *       format leaves room only for calls written as bare JSON.
 *   <li>{@code required} or a named function: the call is forced. The answer is constrained to the
 *       JSON of one call ({@link ToolCallSchema}) and read as that call; for tagged conventions
 *       the opening {@code <tool_call>} is put in the prompt first, so the model writes its own
 *       format and the server needs no closing tag. One call per choice; {@code response_format}
 *       does not apply (it shapes answers, and a forced turn is a call).
 * </ul>
 */
final class StructuredOutputs implements ChatOutputs {

    @Override
    public ChatOutputPlan plan(ChatCompletionRequest request, InferenceEngine engine) {
        Tokenizer tokenizer = engine.tokenizer();
        ToolChoice choice = request.toolChoice();
        boolean offered = !request.tools().isEmpty() && choice.mode() != ToolChoice.Mode.NONE;
        ChatRequest chat = request.chatRequest();
        ToolConvention convention = null;
        if (offered || hasToolTurns(request.messages())) {
            convention = ToolConvention.of(engine.chatPrompt());
            if (!convention.templateShowsTools()) {
                chat = ToolPrompt.describe(chat, offered ? request.tools() : List.of());
            }
        }
        if (!offered) {
            return new ChatOutputPlan(chat, "", constraints(request.responseFormat().grammar(), tokenizer),
                    ChatOutputParser::contentOnly);
        }
        Set<String> names = new LinkedHashSet<>();
        request.tools().forEach(t -> names.add(t.name()));
        ToolConvention tools = convention;
        if (choice.mode() == ToolChoice.Mode.AUTO) {
            return new ChatOutputPlan(chat, "", constraints(request.responseFormat().grammar(), tokenizer),
                    () -> tools.parser(names));
        }
        List<Integer> candidates = choice.mode() == ToolChoice.Mode.REQUIRED
                ? IntStream.range(0, request.tools().size()).boxed().toList()
                : List.of(indexOf(request.tools(), choice.function()));
        JsonGrammar call = ToolCallSchema.grammar(request.tools(), candidates, convention.argumentsKey());
        Set<String> callable = new LinkedHashSet<>();
        candidates.forEach(i -> callable.add(request.tools().get(i).name()));
        return new ChatOutputPlan(chat, convention.forcedPrefill(), constraints(call, tokenizer),
                () -> ToolCallParser.forced(callable));
    }

    /** A fresh constraint per choice from {@code grammar}; none when it is null. */
    private static Supplier<TokenConstraint> constraints(JsonGrammar grammar, Tokenizer tokenizer) {
        return grammar == null ? () -> null : () -> grammar.constrain(tokenizer);
    }

    private static boolean hasToolTurns(List<ChatMessage> messages) {
        return messages.stream().anyMatch(m -> m.role().equals("tool") || !m.toolCalls().isEmpty());
    }

    private static int indexOf(List<Tool> tools, String name) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.name()));
        return names.indexOf(name); // ChatFields made sure it is there
    }
}
