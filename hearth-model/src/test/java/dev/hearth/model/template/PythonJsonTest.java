package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Expected strings are what Python 3's {@code json.dumps} prints for the same values. */
class PythonJsonTest {
    private static final PythonJson COMPACT = new PythonJson(null, null, false, false);

    @Test
    void separatesItemsAndKeysWithSpacesLikePython() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", Arrays.asList(true, null, "x"));
        assertThat(COMPACT.dumps(map)).isEqualTo("{\"b\": 1, \"a\": [true, null, \"x\"]}");
    }

    @Test
    void printsFloatsAsPythonRepr() {
        List<Object> numbers = List.of(1e-07, 1e20, 2.5, 3.0, 1e16, 123456789012345.6, 0.0001, -0.0, 1.5e-10,
                new BigInteger("12345678901234567890"));
        assertThat(COMPACT.dumps(numbers))
                .isEqualTo("[1e-07, 1e+20, 2.5, 3.0, 1e+16, 123456789012345.6, 0.0001, -0.0, 1.5e-10, 12345678901234567890]");
    }

    @Test
    void keepsNonAsciiUnlessAskedToEscapeIt() {
        String text = "é😀\u0001\"\\\n\t\u007f";
        assertThat(COMPACT.dumps(text)).isEqualTo("\"é😀\\u0001\\\"\\\\\\n\\t\u007f\"");
        assertThat(new PythonJson(null, null, true, false).dumps(text))
                .isEqualTo("\"\\u00e9\\ud83d\\ude00\\u0001\\\"\\\\\\n\\t\\u007f\"");
    }

    @Test
    void indentsNestedValuesAndLeavesEmptyOnesClosed() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", List.of());
        map.put("b", Map.of());
        map.put("c", Arrays.asList(1, Map.of("d", "e")));
        assertThat(new PythonJson(2, null, false, false).dumps(map)).isEqualTo("""
                {
                  "a": [],
                  "b": {},
                  "c": [
                    1,
                    {
                      "d": "e"
                    }
                  ]
                }""");
    }

    @Test
    void sortsKeysWithCustomSeparators() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", true);
        assertThat(new PythonJson(null, List.of(",", ":"), false, true).dumps(map)).isEqualTo("{\"a\":true,\"b\":1}");
    }
}
