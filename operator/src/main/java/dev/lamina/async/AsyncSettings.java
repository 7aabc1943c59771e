package dev.lamina.async;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Timing and capacity of asynchronous delivery. The defaults are Lambda's; tests and benchmarks shrink the delays.
 *
 * @param functionErrorRetryDelays delay before the 1st, 2nd, … retry after a function error (Lambda: ~1 min, ~2 min);
 *                                 the last one repeats if a function allows more retries than listed
 * @param backoffInitial           first delay after a throttle or platform error, doubled per further failure
 *                                 (Lambda: 1 s)
 * @param backoffMax               the longest such delay (Lambda: 5 min); also bounds retries of destinations
 * @param outputRetention          how long a destination or dead-letter queue that is down is retried before the
 *                                 record is given up
 * @param missingFunctionGrace     how long events of a function that cannot be found are kept (and retried with
 *                                 backoff) before they are dropped: after a restart the gateway may not know every
 *                                 function yet
 * @param maxConcurrentDeliveries  invocation attempts and sends in flight at once, over all functions
 * @param idlePoll                 how long the delivery loop sleeps when nothing is due and nothing wakes it
 * @param region                   AWS region for SQS targets that name none
 */
public record AsyncSettings(List<Duration> functionErrorRetryDelays, Duration backoffInitial, Duration backoffMax,
                            Duration outputRetention, Duration missingFunctionGrace, int maxConcurrentDeliveries,
                            Duration idlePoll, String region) {

    public AsyncSettings {
        functionErrorRetryDelays = List.copyOf(functionErrorRetryDelays);
        if (functionErrorRetryDelays.isEmpty()) {
            throw new IllegalArgumentException("functionErrorRetryDelays needs at least one delay");
        }
        Objects.requireNonNull(backoffInitial, "backoffInitial");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(outputRetention, "outputRetention");
        Objects.requireNonNull(missingFunctionGrace, "missingFunctionGrace");
        Objects.requireNonNull(idlePoll, "idlePoll");
        Objects.requireNonNull(region, "region");
        if (maxConcurrentDeliveries < 1) {
            throw new IllegalArgumentException("maxConcurrentDeliveries must be at least 1");
        }
    }

    /**
     * Lambda's timing: retries after 1 and 2 minutes, backoff 1 s to 5 min; destinations retried for a day; events of
     * missing functions kept for 5 minutes.
     */
    public static AsyncSettings defaults() {
        return new AsyncSettings(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)), Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofDays(1), Duration.ofMinutes(5), 64, Duration.ofSeconds(1), "us-east-1");
    }

    public AsyncSettings withFunctionErrorRetryDelays(Duration... delays) {
        return new AsyncSettings(List.of(delays), backoffInitial, backoffMax, outputRetention, missingFunctionGrace,
                maxConcurrentDeliveries, idlePoll, region);
    }

    public AsyncSettings withBackoff(Duration initial, Duration max) {
        return new AsyncSettings(functionErrorRetryDelays, initial, max, outputRetention, missingFunctionGrace,
                maxConcurrentDeliveries, idlePoll, region);
    }

    public AsyncSettings withMissingFunctionGrace(Duration grace) {
        return new AsyncSettings(functionErrorRetryDelays, backoffInitial, backoffMax, outputRetention, grace,
                maxConcurrentDeliveries, idlePoll, region);
    }

    public AsyncSettings withIdlePoll(Duration poll) {
        return new AsyncSettings(functionErrorRetryDelays, backoffInitial, backoffMax, outputRetention, missingFunctionGrace,
                maxConcurrentDeliveries, poll, region);
    }

    /** The delay before retry number {@code retry} (1-based) after a function error. */
    Duration functionErrorRetryDelay(int retry) {
        return functionErrorRetryDelays.get(Math.min(retry, functionErrorRetryDelays.size()) - 1);
    }

    /**
     * Exponential backoff after the {@code failures}-th consecutive throttle, platform error or failed send: the
     * shortest delay; {@link #backoffWithJitter} is what is waited.
     */
    Duration backoff(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration delay = backoffInitial.multipliedBy(1L << doublings);
        return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
    }

    /**
     * The backoff plus up to a quarter more at random, so events pushed back together (throttled by the same burst)
     * do not all come back at the same instant and collide again.
     */
    Duration backoffWithJitter(int failures) {
        Duration delay = backoff(failures);
        return delay.plusNanos(ThreadLocalRandom.current().nextLong(delay.toNanos() / 4 + 1));
    }
}
