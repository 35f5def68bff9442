package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Everything emitted for these chunks, followed by "|" and the stop string, or the flushed rest. */
    static String stream(List<String> stops, List<String> chunks) {
        StopStringMatcher matcher = StopStringMatcher.of(stops);
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            StopStringMatcher.Output output = matcher.accept(chunk);
            out.append(output.text());
            if (output.stopped()) {
                return out + "|" + output.stopString().orElseThrow();
            }
        }
        return out + matcher.flush();
    }

    /** Every way to cut {@code text} into chunks: 2^(length-1) splits. */
    static List<List<String>> everySplit(String text) {
        List<List<String>> splits = new ArrayList<>();
        for (int cuts = 0; cuts < 1 << (text.length() - 1); cuts++) {
            List<String> chunks = new ArrayList<>();
            int start = 0;
            for (int i = 1; i < text.length(); i++) {
                if ((cuts & (1 << (i - 1))) != 0) {
                    chunks.add(text.substring(start, i));
                    start = i;
                }
            }
            chunks.add(text.substring(start));
            splits.add(chunks);
        }
        return splits;
    }

    @Test
    void withoutAStopStringAllTextComesOut() {
        assertThat(stream(List.of("</s>"), List.of("Hello", ", ", "world"))).isEqualTo("Hello, world");
        assertThat(stream(List.of(), List.of("Hello", "<", "/s"))).isEqualTo("Hello</s");
    }

    @Test
    void holdsBackOnlyWhatCouldStartAStopString() {
        StopStringMatcher matcher = StopStringMatcher.of(List.of("</s>"));
        assertThat(matcher.accept("Hello </")).isEqualTo(new StopStringMatcher.Output("Hello ", Optional.empty()));
        assertThat(matcher.accept("b> ok")).isEqualTo(new StopStringMatcher.Output("</b> ok", Optional.empty()));
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void emitsTheTextBeforeAStopStringAndNothingAfter() {
        StopStringMatcher matcher = StopStringMatcher.of(List.of("\nUser:"));
        assertThat(matcher.accept("Sure.\nUs")).isEqualTo(new StopStringMatcher.Output("Sure.", Optional.empty()));
        assertThat(matcher.accept("er: more"))
                .isEqualTo(new StopStringMatcher.Output("", Optional.of("\nUser:")));
    }

    @Test
    void aStopStringAtTheVeryStartEmitsNothing() {
        assertThat(stream(List.of("###"), List.of("###", " tail"))).isEqualTo("|###");
        assertThat(stream(List.of("###"), List.of("#", "#", "#"))).isEqualTo("|###");
    }

    @Test
    void findsAStopStringSplitAcrossChunksInEveryPossibleWay() {
        String text = "ab<|im_end|>cd";
        for (List<String> chunks : everySplit(text)) {
            assertThat(stream(List.of("<|im_end|>"), chunks)).as("%s", chunks).isEqualTo("ab|<|im_end|>");
        }
    }

    @Test
    void theStopStringThatCompletesFirstWinsHoweverTheTextIsSplit() {
        // "b" completes at the 3rd character, "abc" at the 4th, although "abc" starts earlier
        for (List<String> chunks : everySplit("xabcd")) {
            assertThat(stream(List.of("abc", "b"), chunks)).as("%s", chunks).isEqualTo("xa|b");
        }
        // both complete at the same character: the longer one, which starts earlier, wins
        for (List<String> chunks : everySplit("xabc")) {
            assertThat(stream(List.of("bc", "abc"), chunks)).as("%s", chunks).isEqualTo("x|abc");
        }
    }

    @Test
    void handlesChineseStopStringsSplitAcrossChunks() {
        String text = "你好，世界。停止生成吧";
        for (List<String> chunks : everySplit(text)) {
            assertThat(stream(List.of("停止", "。。"), chunks)).as("%s", chunks).isEqualTo("你好，世界。|停止");
        }
    }

    @Test
    void neverSplitsASurrogatePairEvenWhenAChunkDoes() {
        String text = "a😀b😀";
        for (List<String> chunks : everySplit(text)) {
            StopStringMatcher matcher = StopStringMatcher.of(List.of("😀b😀x"));
            StringBuilder out = new StringBuilder();
            for (String chunk : chunks) {
                String emitted = matcher.accept(chunk).text();
                assertThat(emitted).as("%s", chunks).doesNotEndWith("\uD83D");
                out.append(emitted);
            }
            assertThat(out.append(matcher.flush())).hasToString(text);
        }
    }

    @Test
    void refusesTextAfterAStopAndEmptyStopStrings() {
        StopStringMatcher matcher = StopStringMatcher.of(List.of("x"));
        matcher.accept("x");
        assertThatThrownBy(() -> matcher.accept("more")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StopStringMatcher.of(List.of("ok", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stop strings must not be empty");
    }
}
