package dev.hearth.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Streams random text, cut at random places (even inside surrogate pairs), through the matcher
 * and compares the result with reading the whole text one character at a time.
 */
class StopStringMatcherProperties {

    /** Few distinct characters, so that stop strings and their prefixes occur often. */
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.of("a", "b", "<", "/", "停", "止", "😀").list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<List<String>> stops() {
        return Arbitraries.of("a", "b", "<", "/", "停", "止", "😀").list().ofMinSize(1).ofMaxSize(4)
                .map(l -> String.join("", l)).list().ofMinSize(1).ofMaxSize(3);
    }

    /** The expected result: the first stop string to complete, reading character by character. */
    private static String reference(List<String> stops, String text) {
        for (int end = 1; end <= text.length(); end++) {
            String seen = text.substring(0, end);
            String longest = null;
            for (String stop : stops) {
                if (seen.endsWith(stop) && (longest == null || stop.length() > longest.length())) {
                    longest = stop;
                }
            }
            if (longest != null) {
                return seen.substring(0, end - longest.length()) + "|" + longest;
            }
        }
        return text;
    }

    private static List<String> cut(String text, List<Integer> cuts) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        for (int cut : cuts) {
            int end = Math.min(text.length(), start + cut);
            chunks.add(text.substring(start, end));
            start = end;
        }
        chunks.add(text.substring(start));
        return chunks;
    }

    @Property(tries = 2000)
    void resultDoesNotDependOnHowTheTextIsCut(@ForAll("text") String text, @ForAll("stops") List<String> stops,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 6) Integer> cuts) {
        assertThat(StopStringMatcherTest.stream(stops, cut(text, cuts))).isEqualTo(reference(stops, text));
    }
}
