package dev.lamina.deployments;

import java.util.Arrays;

/**
 * What one version's invocations came to, as cumulative counters: each gateway replica keeps its own, and the
 * counters of several replicas (or of two moments) add and subtract field by field. Durations are kept in fixed
 * buckets, so a percentile of the sum is the percentile of all the invocations, to the bucket's upper bound.
 *
 * @param invocations     invocations answered (successes, function errors and platform errors)
 * @param functionErrors  invocations ending in a function error (the handler threw, timed out or crashed)
 * @param platformErrors  invocations the platform failed (no environment answered, a 5xx)
 * @param throttles       invocations refused for concurrency (not in {@code invocations}, as Lambda counts them)
 * @param durationBuckets invocations per duration bucket, bounded above by {@link #BUCKET_BOUNDS_MILLIS}
 */
public record Outcomes(long invocations, long functionErrors, long platformErrors, long throttles,
                       long[] durationBuckets) {

    /** Upper bounds of the duration buckets, in milliseconds; the last bucket holds everything longer. */
    public static final long[] BUCKET_BOUNDS_MILLIS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000,
            10_000, 30_000, 60_000, 120_000, 300_000, 900_000};

    public static final Outcomes NONE = new Outcomes(0, 0, 0, 0, new long[BUCKET_BOUNDS_MILLIS.length + 1]);

    public Outcomes {
        if (durationBuckets == null || durationBuckets.length != BUCKET_BOUNDS_MILLIS.length + 1) {
            throw new IllegalArgumentException("durationBuckets needs " + (BUCKET_BOUNDS_MILLIS.length + 1)
                    + " counts");
        }
        durationBuckets = durationBuckets.clone();
    }

    /** The bucket a duration falls in. */
    public static int bucket(long millis) {
        for (int i = 0; i < BUCKET_BOUNDS_MILLIS.length; i++) {
            if (millis <= BUCKET_BOUNDS_MILLIS[i]) {
                return i;
            }
        }
        return BUCKET_BOUNDS_MILLIS.length;
    }

    public Outcomes plus(Outcomes other) {
        long[] buckets = durationBuckets.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.durationBuckets[i];
        }
        return new Outcomes(invocations + other.invocations, functionErrors + other.functionErrors,
                platformErrors + other.platformErrors, throttles + other.throttles, buckets);
    }

    /** What happened between {@code earlier} and this; a counter that went backwards (a restart) counts from 0. */
    public Outcomes since(Outcomes earlier) {
        if (invocations < earlier.invocations || throttles < earlier.throttles) {
            return this;
        }
        long[] buckets = durationBuckets.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Math.max(0, buckets[i] - earlier.durationBuckets[i]);
        }
        return new Outcomes(invocations - earlier.invocations, Math.max(0, functionErrors - earlier.functionErrors),
                Math.max(0, platformErrors - earlier.platformErrors), throttles - earlier.throttles, buckets);
    }

    /** Function and platform errors. */
    public long errors() {
        return functionErrors + platformErrors;
    }

    /**
     * The share of invocations that failed; with {@code throttlesCount}, throttles are failures too (and attempts).
     */
    public double errorRate(boolean throttlesCount) {
        long attempts = invocations + (throttlesCount ? throttles : 0);
        return attempts == 0 ? 0 : (double) (errors() + (throttlesCount ? throttles : 0)) / attempts;
    }

    /** The 99th percentile duration, as the upper bound of its bucket (the last bucket: its lower bound); 0 if none. */
    public long p99Millis() {
        long total = Arrays.stream(durationBuckets).sum();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * 0.99);
        long seen = 0;
        for (int i = 0; i < durationBuckets.length; i++) {
            seen += durationBuckets[i];
            if (seen >= rank) {
                return i < BUCKET_BOUNDS_MILLIS.length ? BUCKET_BOUNDS_MILLIS[i]
                        : BUCKET_BOUNDS_MILLIS[BUCKET_BOUNDS_MILLIS.length - 1];
            }
        }
        return BUCKET_BOUNDS_MILLIS[BUCKET_BOUNDS_MILLIS.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outcomes other && invocations == other.invocations
                && functionErrors == other.functionErrors && platformErrors == other.platformErrors
                && throttles == other.throttles && Arrays.equals(durationBuckets, other.durationBuckets);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(invocations) * 31 + Arrays.hashCode(durationBuckets);
    }

    @Override
    public String toString() {
        return "Outcomes[invocations=" + invocations + ", functionErrors=" + functionErrors + ", platformErrors="
                + platformErrors + ", throttles=" + throttles + ", p99Millis=" + p99Millis() + "]";
    }
}
