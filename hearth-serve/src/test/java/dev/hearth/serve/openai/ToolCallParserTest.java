package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The tool-call parsers: tagged calls (Qwen, Hermes), bare JSON calls (Llama 3.x, forced calls)
 * and both (the generic fallback), fed whole, at every split point and a character at a time.
 */
class ToolCallParserTest {
    private static final Set<String> NAMES = Set.of("get_weather", "get_time");
    private static final String WEATHER = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}";
    private static final String TIME = "{\"name\": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}";

    /** What a message came to: its content and its calls as name(arguments), ids aside. */
    record Outcome(String content, List<String> calls) {}

    private static Outcome parse(ChatOutputParser parser, List<String> pieces) {
        MessageBuilder message = new MessageBuilder();
        pieces.forEach(piece -> message.add(parser.accept(piece)));
        message.add(parser.finish());
        ChatCompletion.Message built = message.build();
        List<String> calls = new ArrayList<>();
        if (built.toolCalls() != null) {
            for (ChatCompletion.ToolCall call : built.toolCalls()) {
                assertThat(call.id()).matches("call_[0-9a-f]{24}");
                assertThat(call.type()).isEqualTo("function");
                calls.add(call.function().name() + call.function().arguments());
            }
            assertThat(built.toolCalls().stream().map(ChatCompletion.ToolCall::id).distinct()).hasSameSizeAs(calls);
        }
        return new Outcome(built.content(), calls);
    }

    /** The outcome of {@code text} fed whole, checked to be the same however the text is split. */
    private static Outcome parseEveryWay(Supplier<ChatOutputParser> parsers, String text) {
        Outcome whole = parse(parsers.get(), List.of(text));
        for (int i = 0; i <= text.length(); i++) {
            assertThat(parse(parsers.get(), List.of(text.substring(0, i), text.substring(i))))
                    .as("split at %d", i).isEqualTo(whole);
        }
        List<String> characters = text.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        assertThat(parse(parsers.get(), characters)).as("a character at a time").isEqualTo(whole);
        return whole;
    }

    private static Supplier<ChatOutputParser> tagged() {
        return () -> new ToolCallParser(true, null);
    }

    private static Supplier<ChatOutputParser> bare() {
        return () -> new ToolCallParser(false, NAMES);
    }

    private static Supplier<ChatOutputParser> generic() {
        return () -> new ToolCallParser(true, NAMES);
    }

    @Test
    void aTaggedCallAfterContentBecomesATheCallAndTheContentLosesTheNewlineBeforeIt() {
        Outcome outcome = parseEveryWay(tagged(), "Let me check.\n<tool_call>\n" + WEATHER + "\n</tool_call>");
        assertThat(outcome.content()).isEqualTo("Let me check.");
        assertThat(outcome.calls()).containsExactly("get_weather{\"city\":\"Paris\",\"days\":2}");
    }

    @Test
    void severalTaggedCallsAreNumberedInOrderAndAMessageOfOnlyCallsHasNoContent() {
        String text = "<tool_call>\n" + WEATHER + "\n</tool_call>\n<tool_call>\n" + TIME + "\n</tool_call>\n";
        Outcome outcome = parseEveryWay(tagged(), text);
        assertThat(outcome.content()).isNull();
        assertThat(outcome.calls()).containsExactly("get_weather{\"city\":\"Paris\",\"days\":2}", "get_time{\"zone\":\"CET\"}");

        ChatOutputParser parser = new ToolCallParser(true, null);
        List<ChatCompletionChunk.Delta> deltas = new ArrayList<>(parser.accept(text));
        deltas.addAll(parser.finish());
        assertThat(deltas).extracting(d -> d.toolCalls().getFirst().index()).containsExactly(0, 1);
    }

    @Test
    void contentBetweenAndAfterCallsIsKeptWithoutTheWhitespaceAroundTheCalls() {
        String text = "First.\n<tool_call>" + WEATHER + "</tool_call>\n\nThen more.\n<tool_call>" + TIME + "</tool_call>\n";
        Outcome outcome = parseEveryWay(tagged(), text);
        assertThat(outcome.content()).isEqualTo("First.Then more.");
        assertThat(outcome.calls()).hasSize(2);
    }

    @Test
    void anAnswerWithoutCallsComesOutExactlyAsWritten() {
        for (String text : List.of("Hello there!", "  spaced out \n\n", "a < b and <tool that is not a tag",
                "ends with a partial tag <tool_ca", "", "\n")) {
            Outcome outcome = parseEveryWay(generic(), text);
            assertThat(outcome.content()).as(text).isEqualTo(text);
            assertThat(outcome.calls()).isEmpty();
        }
    }

    @Test
    void malformedTaggedCallsAreContentNotDropped() {
        for (String text : List.of("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": }\n</tool_call>",
                "<tool_call>not json at all</tool_call>", "<tool_call>{\"arguments\": {}}</tool_call>",
                "<tool_call>{\"name\": \"x\", \"arguments\": [1]}</tool_call>", "Answer: <tool_call>{\"name\": \"get_")) {
            Outcome outcome = parseEveryWay(tagged(), text);
            assertThat(outcome.content()).as(text).isEqualTo(text);
            assertThat(outcome.calls()).isEmpty();
        }
    }

    @Test
    void aMalformedCallBesideAGoodOneIsContentBesideTheCall() {
        Outcome outcome = parseEveryWay(tagged(), "<tool_call>{oops}</tool_call><tool_call>" + TIME + "</tool_call>");
        assertThat(outcome.content()).isEqualTo("<tool_call>{oops}</tool_call>");
        assertThat(outcome.calls()).containsExactly("get_time{\"zone\":\"CET\"}");
    }

    @Test
    void anUnclosedTaggedCallAtTheEndIsACallWhenItsJsonIsWhole() {
        Outcome outcome = parseEveryWay(tagged(), "<tool_call>\n" + WEATHER + "\n");
        assertThat(outcome.content()).isNull();
        assertThat(outcome.calls()).containsExactly("get_weather{\"city\":\"Paris\",\"days\":2}");
    }

    @Test
    void argumentsWrittenAsAJsonStringOrAsParametersOrLeftOutAreReadToo() {
        Outcome outcome = parseEveryWay(tagged(), "<tool_call>{\"name\": \"a\", \"arguments\": \"{\\\"k\\\": [1, 2]}\"}</tool_call>"
                + "<tool_call>{\"name\": \"b\", \"parameters\": {\"k\": null}}</tool_call><tool_call>{\"name\": \"c\"}</tool_call>");
        assertThat(outcome.calls()).containsExactly("a{\"k\":[1,2]}", "b{\"k\":null}", "c{}");
    }

    @Test
    void aLlamaAnswerThatIsABareCallBecomesTheCall() {
        String call = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}";
        for (String text : List.of(call, "  \n" + call + "\n", "<|python_tag|>" + call)) {
            Outcome outcome = parseEveryWay(bare(), text);
            assertThat(outcome.content()).as(text).isNull();
            assertThat(outcome.calls()).containsExactly("get_weather{\"city\":\"Paris\"}");
        }
    }

    @Test
    void severalBareCallsInARowOrInAnArrayAreAllRead() {
        for (String text : List.of(WEATHER + "\n" + TIME, WEATHER + "; " + TIME, "[" + WEATHER + ", " + TIME + "]")) {
            Outcome outcome = parseEveryWay(bare(), text);
            assertThat(outcome.content()).as(text).isNull();
            assertThat(outcome.calls()).as(text).containsExactly("get_weather{\"city\":\"Paris\",\"days\":2}",
                    "get_time{\"zone\":\"CET\"}");
        }
    }

    @Test
    void bareJsonThatIsNotACallOfAnOfferedFunctionIsContent() {
        for (String text : List.of("{\"answer\": 42}", "{\"name\": \"unknown\", \"arguments\": {}}",
                "{\"name\": \"get_time\", \"arguments\": {}, \"extra\": 1}", WEATHER + " and then some words",
                "[1, 2, 3]", "[]", "{\"name\": \"get_time\", \"arguments\": {\"zone\": ")) {
            Outcome outcome = parseEveryWay(bare(), text);
            assertThat(outcome.content()).as(text).isEqualTo(text);
            assertThat(outcome.calls()).isEmpty();
        }
    }

    @Test
    void theGenericParserReadsTaggedAndBareCalls() {
        assertThat(parseEveryWay(generic(), WEATHER).calls()).hasSize(1);
        Outcome tagged = parseEveryWay(generic(), "Sure.\n<tool_call>\n" + TIME + "\n</tool_call>");
        assertThat(tagged.content()).isEqualTo("Sure.");
        assertThat(tagged.calls()).containsExactly("get_time{\"zone\":\"CET\"}");
    }

    @Test
    void aForcedCallCutOffByTheTokenLimitIsContent() {
        String cut = WEATHER.substring(0, 30);
        Outcome outcome = parseEveryWay(() -> ToolCallParser.forced(Set.of("get_weather")), cut);
        assertThat(outcome.content()).isEqualTo(cut);
        assertThat(outcome.calls()).isEmpty();
        assertThat(parseEveryWay(() -> ToolCallParser.forced(Set.of("get_weather")), WEATHER).calls()).hasSize(1);
    }

    @Test
    void contentStreamsAsItComesWhileOnlyAPossibleTagIsHeldBack() {
        ChatOutputParser parser = new ToolCallParser(true, null);
        assertThat(parser.accept("Hello")).containsExactly(ChatCompletionChunk.Delta.content("Hello"));
        assertThat(parser.accept(" world <tool")).containsExactly(ChatCompletionChunk.Delta.content(" world"));
        assertThat(parser.accept("box>")).containsExactly(ChatCompletionChunk.Delta.content(" <toolbox>"));
        assertThat(parser.finish()).isEmpty();
    }
}
