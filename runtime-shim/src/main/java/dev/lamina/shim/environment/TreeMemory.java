package dev.lamina.shim.environment;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Max Memory Used of one runtime generation: the largest sum of peak RSS (VmHWM) over the runtime's process tree,
 * read from the tree's own /proc files ({@link ProcessTree}).
 * <p>
 * When it is sampled: as an invocation ends, before its REPORT line, and only if the last sample of this generation
 * is a second old or more. The REPORT is written on the shim's event loop, which must never wait for /proc (a sample
 * reads a few files per process: about 0.1 ms for a bash runtime, 0.2 ms for a JVM's dozen threads), so a due
 * sample is taken on the virtual thread that already lets the END/REPORT lines wait for the runtime's last output
 * ({@link RuntimeHost#awaitLogs()}). So an environment invoked now and then reports the peak including the invocation
 * it reports on; a busy one samples at most once a second (the cost per invocation does not grow with the number of
 * environments) and reports a peak at most a second old; an idle one is never sampled, and loses nothing by it: the
 * kernel keeps each process's peak. The one thing a sample cannot see is a process that started and ended between two
 * samples.
 * <p>
 * The peak reported is at most the function's memory: a tree that passed it is killed ({@link MemoryGuard}), as
 * Lambda's own limit would have stopped it there.
 */
final class TreeMemory {

    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<List<ProcessHandle>> roots;
    private final long limitBytes;
    /** Counts resets: a sample that began before the last reset belongs to the previous generation. */
    private int generation;
    private volatile long peak;
    private volatile boolean sampled;
    private volatile long sampledAt;

    /** @param limitBytes the function's memory */
    TreeMemory(Supplier<List<ProcessHandle>> roots, long limitBytes) {
        this.roots = roots;
        this.limitBytes = limitBytes;
    }

    /** True when this generation has a sample less than a second old: a REPORT can use it as it is. */
    boolean fresh() {
        return sampled && System.nanoTime() - sampledAt < FRESH_NANOS;
    }

    /** Samples the tree unless the last sample is fresh; reads /proc, so never call it on an event loop. */
    void refresh() {
        if (!fresh()) {
            sample();
        }
    }

    /** The largest sum seen in this generation, in bytes, at most the limit: a field read, for the event loop. */
    long peakBytes() {
        return Math.min(peak, limitBytes);
    }

    /** True once this generation's tree was seen above the function's memory. */
    boolean exceeded() {
        return peak > limitBytes;
    }

    /** A new generation: nothing sampled yet. */
    synchronized void reset() {
        generation++;
        peak = 0;
        sampled = false;
    }

    /** Samples the tree now (off the event loop); without a runtime process there is nothing to learn. */
    void sample() {
        int sampling;
        synchronized (this) {
            sampling = generation;
        }
        long startedAt = System.nanoTime();
        List<ProcessHandle> runtime = roots.get();
        if (runtime.isEmpty()) {
            return;
        }
        long bytes = ProcessTree.peakResidentBytes(runtime);
        synchronized (this) {
            if (generation == sampling) {
                peak = Math.max(peak, bytes);
                sampledAt = startedAt;
                sampled = true;
            }
        }
    }
}
