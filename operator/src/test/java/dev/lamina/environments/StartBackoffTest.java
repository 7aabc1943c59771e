package dev.lamina.environments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failed starts are tried again after a delay that doubles, up to a minute; the first of a streak is the one told. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StartBackoffTest {

    private final AtomicLong now = new AtomicLong(42);
    private final StartBackoff backoff = new StartBackoff(now::get);

    @Test
    void holdsStartsBackForADelayThatDoublesUpToAMinute() {
        assertThat(backoff.holdingBack()).as("nothing failed yet").isNull();
        for (long seconds : new long[] {1, 2, 4, 8, 16, 32, 60, 60}) {
            backoff.failed("no such file: bootstrap");
            advance(Duration.ofSeconds(seconds).minusNanos(1));
            assertThat(backoff.holdingBack()).as("held back for %d s", seconds).isEqualTo("no such file: bootstrap");
            advance(Duration.ofNanos(1));
            assertThat(backoff.holdingBack()).as("free after %d s", seconds).isNull();
        }
    }

    @Test
    void onlyTheFirstFailureInARowIsToBeReported() {
        assertThat(backoff.failed("a").firstInARow()).isTrue();
        assertThat(backoff.failed("a").firstInARow()).isFalse();
        assertThat(backoff.failed("b").firstInARow()).isFalse();
        assertThat(backoff.succeeded()).as("failures the success ends").isEqualTo(3);
        assertThat(backoff.holdingBack()).isNull();
        assertThat(backoff.failed("a").firstInARow()).as("a new streak after a success").isTrue();
        advance(Duration.ofMillis(1500));
        assertThat(backoff.holdingBack()).as("and the delay starts over").isNull();
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
