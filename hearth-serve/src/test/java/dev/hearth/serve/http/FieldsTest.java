package dev.hearth.serve.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

class FieldsTest {

    private static Fields parse(String json) {
        return Fields.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void failsNaming(ThrowableAssert.ThrowingCallable call, String param, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void wrongTypesNameTheFieldAndWhatCame() {
        Fields body = parse("{\"temperature\": \"hot\", \"n\": 1.5, \"stream\": 1, \"model\": 7, \"m\": []}");
        failsNaming(() -> body.number("temperature", 0, 2), "temperature", "temperature must be a number, got the string \"hot\"");
        failsNaming(() -> body.integer("n", 1, 8), "n", "n must be an integer, got 1.5");
        failsNaming(() -> body.bool("stream"), "stream", "stream must be true or false, got 1");
        failsNaming(() -> body.string("model"), "model", "model must be a string, got 7");
        failsNaming(() -> body.object("m"), "m", "m must be an object, got an array");
    }

    @Test
    void outOfRangeValuesNameTheFieldAndTheRange() {
        Fields body = parse("{\"temperature\": 3.5, \"max_tokens\": 0, \"big\": 1e300}");
        failsNaming(() -> body.number("temperature", 0, 2), "temperature", "temperature must be in [0, 2], got 3.5");
        failsNaming(() -> body.integer("max_tokens", 1, 100), "max_tokens", "max_tokens must be in [1, 100], got 0");
        failsNaming(() -> body.integer("big", 1, 100), "big", "must be");
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() {
        Fields body = parse("{\"messages\": [{\"role\": \"user\"}, {\"role\": 5}], \"stream_options\": {\"include_usage\": \"yes\"}}");
        var messages = body.objects("messages");
        failsNaming(() -> messages.get(1).requiredString("role"), "messages[1].role", "messages[1].role must be a string, got 5");
        failsNaming(() -> messages.get(0).requiredString("content"), "messages[0].content", "messages[0].content is required");
        failsNaming(() -> body.object("stream_options").orElseThrow().bool("include_usage"),
                "stream_options.include_usage", "stream_options.include_usage must be true or false");
        failsNaming(() -> parse("{\"messages\": [1]}").objects("messages"), "messages[0]", "messages[0] must be a JSON object, got 1");
    }

    @Test
    void absentAndNullAreTheSameAndWholeFloatsAreIntegers() {
        Fields body = parse("{\"seed\": null, \"n\": 2.0}");
        assertThat(body.integer("seed", 0, 10)).isEmpty();
        assertThat(body.has("seed")).isFalse();
        assertThat(body.integer("n", 1, 8)).hasValue(2);
        assertThat(body.string("absent")).isEmpty();
    }

    @Test
    void malformedOrEmptyBodiesAreRefusedWithWhere() {
        failsNaming(() -> parse("{\"model\": \"x\",}"), null, "not valid JSON at line 1, column");
        failsNaming(() -> parse(""), null, "empty");
        failsNaming(() -> parse("[1, 2]"), null, "the request body must be a JSON object, got an array");
    }
}
