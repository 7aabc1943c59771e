package dev.lamina.shim.environment;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.LogPump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The runtime as a child process of the shim (local mode and the emulator command line), {@link Tether tethered} to
 * this JVM, with the environment's private /tmp when the configuration asks for one.
 */
final class ChildProcessHost implements RuntimeHost {


    private final ShimConfig config;
    private final Supplier<String> runtimeApi;
    private final FunctionLog log;
    private final Exits exits;
    private final TreeMemory memory;
    private final MemoryGuard guard;
    private volatile Process process;
    private volatile LogPump pump;

    ChildProcessHost(ShimConfig config, Supplier<String> runtimeApi, FunctionLog log, Exits exits) {
        this.config = config;
        this.runtimeApi = runtimeApi;
        this.log = log;
        this.exits = exits;
        this.memory = new TreeMemory(this::roots, config.memoryBytes());
        this.guard = new MemoryGuard(memory, this::killOverLimit, config.functionName());
    }

    @Override
    public void launch(int generation) throws IOException {
        Path workingDirectory = config.workingDirectory() != null
                ? config.workingDirectory() : Path.of("").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Tether.command(config.runtimeCommand(), workingDirectory))
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(Tether.input());
        LambdaVariables.apply(builder.environment(), config, runtimeApi.get(), workingDirectory);
        if (config.tmpDirectory() != null) {
            Files.createDirectories(config.tmpDirectory());
            builder.environment().put("TMPDIR", config.tmpDirectory().toString());
        }
        memory.reset();
        Process started = builder.start();
        LogPump startedPump = LogPump.start(started, log::functionLine, "lamina-log-" + config.functionName() + "-" + generation);
        process = started;
        pump = startedPump;
        started.onExit().thenAccept(exited -> {
            startedPump.runtimeExited();
            // Whatever the runtime left behind in its process group goes with it.
            Tether.release(exited);
            exits.runtimeExited(generation, ExitReasons.describe(exited.exitValue()));
        });
    }

    @Override
    public CompletableFuture<Void> ready(int generation) {
        // A child process is known, and watched, from its start; its memory is sampled while it is busy (MemoryGuard).
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> terminate() {
        Process current = process;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        // Listing the descendants walks /proc, which takes long on a busy machine: never on the event loop.
        Thread.ofVirtual().name("lamina-reset").start(() -> {
            ProcessTree.kill(List.of(current.toHandle()));
            Tether.release(current);
        });
        return current.onExit().thenApply(exited -> null);
    }

    @Override
    public boolean logsCaughtUp() {
        LogPump current = pump;
        return memory.fresh() && (current == null || current.caughtUp());
    }

    @Override
    public void awaitLogs() {
        LogPump current = pump;
        if (current != null) {
            current.awaitCaughtUp(LOG_CATCH_UP);
        }
        memory.refresh();
    }

    @Override
    public void sampleMemory() {
        memory.refresh();
    }

    @Override
    public void limitMemory(boolean busy) {
        guard.busy(busy);
    }

    /**
     * SIGKILLs the runtime and, through its tether, its whole process group. The process is read before the memory:
     * a new generation resets the memory before it has a process, so a reset seen here is never the old one's.
     */
    private void killOverLimit() {
        Process current = process;
        if (current != null && memory.exceeded()) {
            current.destroyForcibly();
            Tether.release(current);
        }
    }

    @Override
    public long peakMemoryBytes() {
        return memory.peakBytes();
    }

    @Override
    public void close() {
        guard.busy(false);
        try {
            terminate().get(5, TimeUnit.SECONDS);
        } catch (Exception notGoneInTime) {
            // SIGKILL was sent; a process stuck in the kernel is beyond the shim's reach.
        }
        if (config.tmpDirectory() != null) {
            deleteTree(config.tmpDirectory());
        }
    }

    /** Deletes the environment's private /tmp; what cannot be deleted stays (nothing else uses it). */
    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException gone) {
            // Never created, or already deleted.
        }
    }

    @Override
    public void stop(Duration grace) {
        Process current = process;
        if (current != null && current.isAlive()) {
            // Listed before the signal: once the runtime is gone its children can no longer be found under it.
            List<ProcessHandle> tree = new ArrayList<>(List.of(current.toHandle()));
            current.descendants().forEach(tree::add);
            current.destroy();
            try {
                current.onExit().get(grace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (Exception notGoneInTime) {
                // Killed below.
            }
            ProcessTree.kill(tree);
        }
        close();
    }

    private List<ProcessHandle> roots() {
        Process current = process;
        return current != null && current.isAlive() ? List.of(current.toHandle()) : List.of();
    }
}
