package dev.lamina.shim.environment;

import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.RuntimeOutputIntake;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime in another container of the pod. With {@code shareProcessNamespace: true} the shim sees its processes
 * under /proc: it watches them to notice a crash, and SIGKILLs them to reset the environment after a timeout or crash;
 * the kubelet then restarts the runtime container, whose first {@code /next} starts the next generation. With a
 * {@link RuntimeOutputIntake} the runtime's stdout and stderr come through a named pipe into the function log, as a
 * child runtime's do; without one they stay in the runtime container's log.
 */
final class SidecarHost implements RuntimeHost {

    private static final Duration WATCH_INTERVAL = Duration.ofMillis(50);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final RuntimeProcessFinder finder;
    private final FunctionLog log;
    private final Exits exits;
    private final RuntimeOutputIntake output;
    private volatile int generation;
    private volatile List<ProcessHandle> watched = List.of();
    private volatile boolean closed;
    private final TreeMemory memory;

    /** @param output the runtime's output, or null when it does not pass the shim */
    SidecarHost(RuntimeProcessFinder finder, long memoryBytes, FunctionLog log, Exits exits,
                RuntimeOutputIntake output) {
        this.finder = finder;
        this.memory = new TreeMemory(() -> watched, memoryBytes);
        this.log = log;
        this.exits = exits;
        this.output = output;
    }

    @Override
    public void launch(int generation) {
        this.generation = generation;
        watched = List.of();
        memory.reset();
    }

    @Override
    public CompletableFuture<Void> ready(int generation) {
        CompletableFuture<Void> known = new CompletableFuture<>();
        Thread.ofVirtual().name("lamina-sidecar-watch-" + generation).start(() -> {
            try {
                watch(generation, known);
            } catch (RuntimeException failed) {
                log.platformLine("lamina-shim: stopped watching the runtime's processes: " + failed);
            } finally {
                known.complete(null);
            }
        });
        return known;
    }

    private void watch(int readyGeneration, CompletableFuture<Void> known) {
        List<ProcessHandle> roots = finder.roots();
        // Known before the first event, so that the first REPORT samples this generation's processes.
        watched = roots;
        known.complete(null);
        if (roots.isEmpty()) {
            log.platformLine("lamina-shim: no runtime process visible with " + finder.describe()
                    + "; crashes are noticed only by timeout and a reset cannot restart the runtime"
                    + " (the pod needs shareProcessNamespace: true)");
            return;
        }
        if (output != null && !output.present()) {
            // The wrapper makes the pipe before it starts the runtime: without it, the wrapper was not run or failed.
            log.platformLine("lamina-shim: the runtime's output does not come through " + output.fifo()
                    + "; its lines are only in its container's log");
        }
        while (!closed && generation == readyGeneration) {
            for (ProcessHandle root : roots) {
                if (!root.isAlive()) {
                    exits.runtimeExited(readyGeneration, ExitReasons.NO_REASON);
                    return;
                }
            }
            try {
                Thread.sleep(WATCH_INTERVAL);
            } catch (InterruptedException interrupted) {
                return;
            }
        }
    }

    @Override
    public CompletableFuture<Void> terminate() {
        generation = -1;
        CompletableFuture<Void> gone = new CompletableFuture<>();
        Thread.ofVirtual().name("lamina-sidecar-reset").start(() -> {
            List<ProcessHandle> roots = finder.roots();
            if (roots.isEmpty()) {
                log.platformLine("lamina-shim: cannot reset the runtime: no process with " + finder.describe()
                        + " (the pod needs shareProcessNamespace: true)");
            }
            List<ProcessHandle> tree = ProcessTree.kill(roots);
            long deadline = System.nanoTime() + KILL_WAIT.toNanos();
            while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
            gone.complete(null);
        });
        return gone;
    }

    @Override
    public boolean logsCaughtUp() {
        return (watched.isEmpty() || memory.fresh()) && (output == null || output.caughtUp());
    }

    @Override
    public void awaitLogs() {
        if (output != null) {
            output.awaitCaughtUp(LOG_CATCH_UP);
        }
        memory.refresh();
    }

    @Override
    public void sampleMemory() {
        memory.refresh();
    }

    @Override
    public void limitMemory(boolean busy) {
        // The runtime container's own memory limit (the kernel's) applies.
    }

    @Override
    public long peakMemoryBytes() {
        return memory.peakBytes();
    }

    @Override
    public void stop(Duration grace) {
        // The runtime's container is the kubelet's to stop, with its own grace period.
        close();
    }

    @Override
    public void close() {
        closed = true;
        if (output != null) {
            output.close();
        }
    }
}
