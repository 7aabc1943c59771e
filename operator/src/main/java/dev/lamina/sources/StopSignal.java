package dev.lamina.sources;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A poller's stop: its loops pause on it, and a stop ends every pause at once. */
final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);

    void stop() {
        stop.countDown();
    }

    boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Waits {@code duration}, or less if the poller stops meanwhile (an interrupt counts as a stop). */
    void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
    }
}
