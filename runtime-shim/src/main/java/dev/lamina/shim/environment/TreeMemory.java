package dev.lamina.shim.environment;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Max Memory Used of one runtime generation: the largest sum of peak RSS (VmHWM) over the runtime's process tree.
 * It is sampled in the background so that a REPORT line costs no /proc reads; listing descendants walks all of /proc,
 * so the tree is listed again at most once a second. The kernel keeps each process's peak itself, so a sample a
 * second only misses children that come and go in between; sampling more often cost a gateway with a dozen
 * embedded environments a few percent of its CPU at saturation.
 */
final class TreeMemory {

    private static final long SAMPLE_MILLIS = 1000;
    private static final long RELIST_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<List<ProcessHandle>> roots;
    private List<ProcessHandle> tree = List.of();
    private long listedAt;
    private volatile long peak;
    private volatile boolean sampled;

    TreeMemory(Supplier<List<ProcessHandle>> roots) {
        this.roots = roots;
    }

    /** Samples every second on a virtual thread for as long as the condition holds. */
    void sampleWhile(BooleanSupplier condition) {
        Thread.ofVirtual().name("lamina-memory").start(() -> {
            while (condition.getAsBoolean()) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        });
    }

    long peakBytes() {
        if (!sampled) {
            sample();
        }
        return peak;
    }

    synchronized void reset() {
        tree = List.of();
        peak = 0;
        sampled = false;
    }

    private synchronized void sample() {
        long now = System.nanoTime();
        if (tree.isEmpty() || now - listedAt > RELIST_NANOS) {
            tree = ProcessTree.withDescendants(roots.get());
            listedAt = now;
        }
        peak = Math.max(peak, ProcessTree.peakResidentBytes(tree));
        sampled = true;
    }
}
