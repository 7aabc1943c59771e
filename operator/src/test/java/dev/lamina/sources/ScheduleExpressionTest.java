package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {

    private static Instant next(String expression, String timezone, String after) {
        return ScheduleExpression.parse(expression, timezone).next(Instant.parse(after)).orElseThrow();
    }

    @Test
    void cronReadsEventBridgesSixFields() {
        assertThat(next("cron(0 3 * * ? *)", null, "2026-12-05T16:00:00Z")).isEqualTo("2026-12-06T03:00:00Z");
        assertThat(next("cron(0/15 * * * ? *)", null, "2026-12-05T16:07:00Z")).isEqualTo("2026-12-05T16:15:00Z");
        assertThat(next("cron(0 12 ? * MON-FRI *)", null, "2026-12-05T13:00:00Z"))
                .as("Saturday 5 December: the next weekday is Monday").isEqualTo("2026-12-07T12:00:00Z");
    }

    @Test
    void cronKnowsLastDaysWeekdaysAndNthWeekdays() {
        assertThat(next("cron(0 0 L * ? *)", null, "2026-02-01T00:00:00Z")).isEqualTo("2026-02-28T00:00:00Z");
        assertThat(next("cron(0 9 15W * ? *)", null, "2026-08-01T00:00:00Z"))
                .as("15 August 2026 is a Saturday: the nearest weekday is Friday 14").isEqualTo("2026-08-14T09:00:00Z");
        assertThat(next("cron(0 10 ? * 6#3 *)", null, "2026-12-01T00:00:00Z"))
                .as("the third Friday of December 2026").isEqualTo("2026-12-18T10:00:00Z");
        assertThat(next("cron(30 8 1 JAN ? 2028)", null, "2026-12-05T00:00:00Z")).isEqualTo("2028-01-01T08:30:00Z");
    }

    @Test
    void cronIsReadInItsTimeZone() {
        assertThat(next("cron(0 9 * * ? *)", "Europe/Berlin", "2026-12-05T00:00:00Z"))
                .isEqualTo("2026-12-05T08:00:00Z");
    }

    @Test
    void ratesTickOnMultiplesOfThePeriod() {
        assertThat(next("rate(5 minutes)", null, "2026-12-05T16:07:30Z")).isEqualTo("2026-12-05T16:10:00Z");
        assertThat(next("rate(1 hour)", null, "2026-12-05T16:00:00Z")).isEqualTo("2026-12-05T17:00:00Z");
        assertThat(next("rate(1 day)", null, "2026-12-05T16:00:00Z")).isEqualTo("2026-12-06T00:00:00Z");
    }

    @Test
    void invalidExpressionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 3 * * * *)", null))
                .as("* in both day fields").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(1 minutes)", null))
                .hasMessageContaining("singular");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 3 * * ? *)", "Mars/Olympus"))
                .hasMessageContaining("IANA");
        assertThatThrownBy(() -> ScheduleExpression.parse("every day", null)).hasMessageContaining("neither");
    }
}
