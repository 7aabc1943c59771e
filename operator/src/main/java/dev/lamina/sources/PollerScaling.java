package dev.lamina.sources;

/**
 * How many batch loops an SQS mapping runs, by Lambda's rule: five to begin with; one more for each receive that comes
 * back full, at most 300 more a minute; one fewer for each receive that comes back empty (the queue drained), down to
 * the five; one fewer for each throttled invocation, down to one; never above the ceiling (the mapping's maximum
 * concurrency and the function's reserved concurrency). Time comes in as {@link System#nanoTime} readings, so tests
 * drive it without a clock.
 */
final class PollerScaling {
    static final int INITIAL = 5;
    static final int GROWTH_PER_MINUTE = 300;
    /** The most loops a mapping runs: the cap when neither the mapping nor the function sets one. */
    static final int MAX_LOOPS = 1000;
    private static final long NANOS_PER_LOOP = 60_000_000_000L / GROWTH_PER_MINUTE;
    /** Growth saved up while receives were not full: one second's worth, so a busy queue after a calm one ramps up smoothly. */
    private static final long MAX_CREDIT = 1_000_000_000L;

    private int ceiling;
    private int target;
    private long credit;
    private long creditAt;

    PollerScaling(int ceiling, long nowNanos) {
        this.ceiling = Math.max(1, ceiling);
        this.target = Math.min(INITIAL, this.ceiling);
        this.creditAt = nowNanos;
    }

    /**
     * The ceiling of a mapping: its {@code maximumConcurrency}, else the function's reserved concurrency, else
     * {@link #MAX_LOOPS}; never above the reserved concurrency nor {@link #MAX_LOOPS}. At least one loop runs: with a
     * reserved concurrency of 0 it is throttled and backs off, as Lambda's pollers are.
     */
    static int ceiling(Integer maximumConcurrency, Integer reservedConcurrency) {
        int ceiling = maximumConcurrency != null ? maximumConcurrency
                : reservedConcurrency != null ? reservedConcurrency : MAX_LOOPS;
        if (reservedConcurrency != null) {
            ceiling = Math.min(ceiling, reservedConcurrency);
        }
        return Math.clamp(ceiling, 1, MAX_LOOPS);
    }

    synchronized int target() {
        return target;
    }

    synchronized void ceiling(int ceiling) {
        this.ceiling = Math.max(1, ceiling);
        target = Math.min(target, this.ceiling);
    }

    /** A receive came back with as many messages as it asked for: there is more waiting. */
    synchronized void full(long nowNanos) {
        credit = Math.min(MAX_CREDIT, credit + Math.max(0, nowNanos - creditAt));
        creditAt = nowNanos;
        if (target < ceiling && credit >= NANOS_PER_LOOP) {
            credit -= NANOS_PER_LOOP;
            target++;
        }
    }

    /** A long poll came back empty: the queue has drained. */
    synchronized void empty() {
        target = Math.max(Math.min(INITIAL, ceiling), target - 1);
    }

    /** The function refused an invocation for want of concurrency. */
    synchronized void throttled() {
        target = Math.max(1, target - 1);
    }
}
