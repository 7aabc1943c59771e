package dev.lamina.shim.environment;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The function's memory limit for a runtime that no kernel limit holds (a child process of the shim): while the
 * runtime initializes or serves a call, its tree is sampled every {@link #INTERVAL} ({@link TreeMemory}: the tree's
 * own /proc files) and killed once its peak passes the limit, as Lambda's limit kills it; the environment then fails
 * the call with {@code Runtime.OutOfMemory} and replaces the runtime. An idle environment is not sampled and has no
 * thread. Peaks (VmHWM) are sampled, not current sizes, so a spike between two samples is still seen at the next
 * one; what the interval bounds is how late the kill comes, so the overshoot is what the function allocates in that
 * time. A call shorter than the interval that passes the limit may end before the kill: its runtime is still replaced
 * (by the sample that follows every busy time) unless the next call came first, which then fails in its place.
 * <p>
 * The interval weighs that delay against cost: where /proc is slow (0.7 to 1 ms a sample) 20 busy environments
 * cost 5 % of a core at 100 ms, 37 % at 20 ms.
 */
final class MemoryGuard {

    static final Duration INTERVAL = Duration.ofMillis(100);

    private final TreeMemory memory;
    private final Runnable kill;
    private final String name;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean sampling = new AtomicBoolean();

    /** @param kill kills the runtime's processes if {@code memory} is still {@link TreeMemory#exceeded() exceeded} */
    MemoryGuard(TreeMemory memory, Runnable kill, String name) {
        this.memory = memory;
        this.kill = kill;
        this.name = name;
    }

    /** Samples while busy; answers at once (at most one sampling thread per environment, started when needed). */
    void busy(boolean busy) {
        this.busy.set(busy);
        if (busy && sampling.compareAndSet(false, true)) {
            Thread.ofVirtual().name("lamina-memory-" + name).start(this::sampleWhileBusy);
        }
    }

    private void sampleWhileBusy() {
        do {
            try {
                // One sample after the busy time ends too: a peak the last call reached just before it ended still
                // ends this runtime, rather than the next call's.
                do {
                    Thread.sleep(INTERVAL);
                    memory.sample();
                    if (memory.exceeded()) {
                        kill.run();
                    }
                } while (busy.get());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                sampling.set(false);
                return;
            }
            sampling.set(false);
            // Busy again between the last check and the flag's reset: this thread goes on rather than a new one.
        } while (busy.get() && sampling.compareAndSet(false, true));
    }
}
