package dev.lamina.environments;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a pool may try again to start an environment after starts failed: not before a delay that doubles with each
 * failure in a row, from {@link #FIRST} up to {@link #LONGEST}, so a function that cannot start costs a start now and
 * then, never one per invocation or per scaling tick. A start that succeeds ends the streak. Thread-safe.
 */
public final class StartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofMinutes(1);

    /** What a failed start means for the pool: whether to report it (the first of a streak) and the reason. */
    public record Failure(boolean firstInARow, String reason) {
    }

    private final LongSupplier nanoTime;
    private int failuresInARow;
    private long notBefore;
    private String reason;

    public StartBackoff(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Records a failed start; the next may be tried after the (grown) delay. */
    public synchronized Failure failed(String why) {
        failuresInARow++;
        long delay = Math.min(LONGEST.toNanos(), FIRST.toNanos() << Math.min(failuresInARow - 1, 20));
        notBefore = nanoTime.getAsLong() + delay;
        reason = why;
        return new Failure(failuresInARow == 1, why);
    }

    /** Records a start that succeeded; the number of failures it ends (0 when there were none). */
    public synchronized int succeeded() {
        int ended = failuresInARow;
        failuresInARow = 0;
        reason = null;
        return ended;
    }

    /** Why starts are held back now, or null when a start may be tried. */
    public synchronized String holdingBack() {
        return failuresInARow > 0 && nanoTime.getAsLong() - notBefore < 0 ? reason : null;
    }
}
