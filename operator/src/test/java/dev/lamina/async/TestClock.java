package dev.lamina.async;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real time plus an offset the test can push forward, to age events without waiting hours; in whole milliseconds,
 * the precision the event store keeps due times in, so delays measured on it are exact.
 */
final class TestClock implements InstantSource {

    private final AtomicLong offsetMillis = new AtomicLong();

    void advance(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis.get());
    }
}
