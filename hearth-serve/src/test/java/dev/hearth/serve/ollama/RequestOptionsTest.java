package dev.hearth.serve.ollama;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RequestOptionsTest {
    private static final Limits LIMITS = Limits.defaults().withMaxTokens(1000);

    static RequestOptions parse(String json) {
        return RequestOptions.parse(Fields.parse(json.getBytes(StandardCharsets.UTF_8)), LIMITS);
    }

    @Test
    void noOptionsGetOllamasDefaults() {
        RequestOptions options = parse("{}");
        assertThat(options).isEqualTo(RequestOptions.DEFAULTS);
        GenerationParams params = options.params(512, 12, LIMITS);
        assertThat(params.sampling().temperature()).isEqualTo(0.8f);
        assertThat(params.sampling().topK()).isEqualTo(40);
        assertThat(params.sampling().topP()).isEqualTo(0.9f);
        assertThat(params.sampling().minP()).isZero();
        assertThat(params.sampling().repetitionPenalty()).isEqualTo(1f);
        assertThat(params.sampling().penaltyWindow()).isEqualTo(64);
        assertThat(params.sampling().seed()).isEmpty();
        assertThat(params.stopStrings()).isEmpty();
    }

    @Test
    void everyOptionIsRead() {
        GenerationParams params = parse("""
                {"options": {"temperature": 0, "top_k": 5, "top_p": 0.5, "min_p": 0.1, "repeat_penalty": 1.2,
                 "presence_penalty": 0.5, "frequency_penalty": -0.5, "repeat_last_n": 16, "seed": 42,
                 "num_predict": 7, "stop": ["\\n", "The end"]}}""").params(512, 12, LIMITS);
        assertThat(params.sampling().temperature()).isZero();
        assertThat(params.sampling().topK()).isEqualTo(5);
        assertThat(params.sampling().topP()).isEqualTo(0.5f);
        assertThat(params.sampling().minP()).isEqualTo(0.1f);
        assertThat(params.sampling().repetitionPenalty()).isEqualTo(1.2f);
        assertThat(params.sampling().presencePenalty()).isEqualTo(0.5f);
        assertThat(params.sampling().frequencyPenalty()).isEqualTo(-0.5f);
        assertThat(params.sampling().penaltyWindow()).isEqualTo(16);
        assertThat(params.sampling().seed()).hasValue(42);
        assertThat(params.maxTokens()).isEqualTo(7);
        assertThat(params.stopStrings()).containsExactly("\n", "The end");
    }

    @Test
    void runnerOptionsAndOptionsHearthLacksAreIgnored() {
        assertThat(parse("{\"options\": {\"num_ctx\": 4096, \"num_gpu\": 99, \"mirostat\": 2, \"typical_p\": 0.7}}"))
                .isEqualTo(RequestOptions.DEFAULTS);
    }

    @Test
    void withoutNumPredictTheAnswerMayFillTheContextUpToTheServerLimit() {
        assertThat(parse("{}").params(512, 100, LIMITS).maxTokens()).isEqualTo(412);
        assertThat(parse("{}").params(4096, 100, LIMITS).maxTokens()).isEqualTo(1000);
        assertThat(parse("{\"options\": {\"num_predict\": -1}}").params(512, 100, LIMITS).maxTokens()).isEqualTo(412);
        assertThat(parse("{\"options\": {\"num_predict\": -2}}").params(512, 100, LIMITS).maxTokens()).isEqualTo(412);
        assertThat(parse("{\"options\": {\"num_predict\": 0}}").params(512, 100, LIMITS).maxTokens()).isZero();
    }

    @Test
    void repeatLastNMinusOneLooksBackOverTheWholeContext() {
        assertThat(parse("{\"options\": {\"repeat_last_n\": -1}}").params(512, 10, LIMITS).sampling().penaltyWindow())
                .isEqualTo(512);
    }

    @Test
    void aNegativeSeedMeansRandom() {
        assertThat(parse("{\"options\": {\"seed\": -1}}").seed()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"options\": 3}                              | options",
            "{\"options\": {\"temperature\": -1}}          | options.temperature",
            "{\"options\": {\"temperature\": \"hot\"}}     | options.temperature",
            "{\"options\": {\"top_k\": 1.5}}               | options.top_k",
            "{\"options\": {\"top_p\": 0}}                 | options.top_p",
            "{\"options\": {\"top_p\": 1.5}}               | options.top_p",
            "{\"options\": {\"min_p\": 2}}                 | options.min_p",
            "{\"options\": {\"repeat_penalty\": 0}}        | options.repeat_penalty",
            "{\"options\": {\"presence_penalty\": 3}}      | options.presence_penalty",
            "{\"options\": {\"frequency_penalty\": -3}}    | options.frequency_penalty",
            "{\"options\": {\"repeat_last_n\": -2}}        | options.repeat_last_n",
            "{\"options\": {\"seed\": 0.5}}                | options.seed",
            "{\"options\": {\"num_predict\": 1001}}        | options.num_predict",
            "{\"options\": {\"num_predict\": -3}}          | options.num_predict",
            "{\"options\": {\"stop\": \"x\"}}              | options.stop",
            "{\"options\": {\"stop\": [\"a\", 1]}}         | options.stop[1]",
            "{\"options\": {\"stop\": [\"\"]}}             | options.stop[0]",
    })
    void aBadOptionIsA400NamingIt(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(json));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field);
    }

    @Test
    void theServerTokenLimitIsNamedWhenNumPredictIsOverIt() {
        assertThatThrownBy(() -> parse("{\"options\": {\"num_predict\": 5000}}"))
                .hasMessageContaining("1000");
    }

    @Test
    void stopStringsKeepTheirOrder() {
        assertThat(parse("{\"options\": {\"stop\": [\"b\", \"a\"]}}").stop()).isEqualTo(List.of("b", "a"));
    }
}
