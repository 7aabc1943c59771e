package dev.lamina.shim.environment;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.LogPump;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The runtime as a child process of the shim (local mode and the emulator command line). */
final class ChildProcessHost implements RuntimeHost {

    private static final Duration LOG_CATCH_UP = Duration.ofMillis(200);

    private final ShimConfig config;
    private final Supplier<String> runtimeApi;
    private final FunctionLog log;
    private final Exits exits;
    private final TreeMemory memory = new TreeMemory(this::roots);
    private volatile Process process;
    private volatile LogPump pump;

    ChildProcessHost(ShimConfig config, Supplier<String> runtimeApi, FunctionLog log, Exits exits) {
        this.config = config;
        this.runtimeApi = runtimeApi;
        this.log = log;
        this.exits = exits;
    }

    @Override
    public void launch(int generation) throws IOException {
        Path workingDirectory = config.workingDirectory() != null
                ? config.workingDirectory() : Path.of("").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(config.runtimeCommand())
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        LambdaVariables.apply(builder.environment(), config, runtimeApi.get(), workingDirectory);
        memory.reset();
        Process started = builder.start();
        LogPump startedPump = LogPump.start(started, log::functionLine, "lamina-log-" + config.functionName() + "-" + generation);
        process = started;
        pump = startedPump;
        started.onExit().thenAccept(exited -> {
            startedPump.runtimeExited();
            exits.runtimeExited(generation, ExitReasons.describe(exited.exitValue()));
        });
    }

    @Override
    public CompletableFuture<Void> ready(int generation) {
        // A child process is known, and watched, from its start; its memory is sampled as invocations end.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> terminate() {
        Process current = process;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        ProcessTree.kill(List.of(current.toHandle()));
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
    public long peakMemoryBytes() {
        return memory.peakBytes();
    }

    @Override
    public void close() {
        try {
            terminate().get(5, TimeUnit.SECONDS);
        } catch (Exception notGoneInTime) {
            // SIGKILL was sent; a process stuck in the kernel is beyond the shim's reach.
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
