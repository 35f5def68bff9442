package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class PythonStrftimeTest {
    private static final ZonedDateTime FRIDAY_MORNING = ZonedDateTime.of(2025, 3, 7, 9, 5, 3, 0, ZoneOffset.UTC);

    @Test
    void formatsCodesAsPythonDatetimeStrftime() {
        assertThat(PythonStrftime.format("%Y-%m-%d %H:%M:%S|%B %b %A %a|%e|%-d|%I%p|%j|%y|%%|%Q", FRIDAY_MORNING))
                .isEqualTo("2025-03-07 09:05:03|March Mar Friday Fri| 7|7|09AM|066|25|%|%Q");
    }

    @Test
    void formatsLlamaDateString() {
        assertThat(PythonStrftime.format("%d %b %Y", FRIDAY_MORNING)).isEqualTo("07 Mar 2025");
    }
}
