package dev.hearth.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void familiesHaveHelpAndTypeThenSamplesWithEscapedLabels() {
        PrometheusText out = new PrometheusText();
        out.family("hearth_things_total", "counter", "Things.");
        out.sample("hearth_things_total", 3, "model", "a\"b\\c\nd");
        out.sample("hearth_things_total", 0.25);
        assertThat(out.toString()).isEqualTo("""
                # HELP hearth_things_total Things.
                # TYPE hearth_things_total counter
                hearth_things_total{model="a\\"b\\\\c\\nd"} 3
                hearth_things_total 0.25
                """);
    }

    @Test
    void histogramBucketsAreCumulativeAndEndWithInfinity() {
        Histogram h = new Histogram(0.1, 1);
        h.observe(0.05);
        h.observe(0.1); // on a bound: counted in that bucket
        h.observe(0.5);
        h.observe(7);
        PrometheusText out = new PrometheusText();
        h.write(out, "lat_seconds", "model", "m");
        assertThat(out.toString()).isEqualTo("""
                lat_seconds_bucket{model="m",le="0.1"} 2
                lat_seconds_bucket{model="m",le="1"} 3
                lat_seconds_bucket{model="m",le="+Inf"} 4
                lat_seconds_sum{model="m"} 7.65
                lat_seconds_count{model="m"} 4
                """);
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        assertThat(PrometheusText.number(42)).isEqualTo("42");
        assertThat(PrometheusText.number(0.001)).isEqualTo("0.001");
        assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    }
}
