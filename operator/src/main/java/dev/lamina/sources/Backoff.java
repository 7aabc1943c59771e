package dev.lamina.sources;

import java.time.Duration;

/** A delay that doubles after each failure up to a ceiling, and starts over after a success. Not thread-safe. */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The delay to wait now; the following one is twice as long. */
    Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    void reset() {
        next = first;
    }
}
