package dev.lamina.shim.environment;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Max Memory Used of one runtime generation: the largest sum of peak RSS over the runtime's process tree seen so far.
 * Listing descendants walks all of /proc, so the tree is listed again at most once a second.
 */
final class TreeMemory {

    private static final long RELIST_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<List<ProcessHandle>> roots;
    private List<ProcessHandle> tree = List.of();
    private long listedAt;
    private long peak;

    TreeMemory(Supplier<List<ProcessHandle>> roots) {
        this.roots = roots;
    }

    synchronized long peakBytes() {
        long now = System.nanoTime();
        if (tree.isEmpty() || now - listedAt > RELIST_NANOS) {
            tree = ProcessTree.withDescendants(roots.get());
            listedAt = now;
        }
        peak = Math.max(peak, ProcessTree.peakResidentBytes(tree));
        return peak;
    }

    synchronized void reset() {
        tree = List.of();
        peak = 0;
    }
}
