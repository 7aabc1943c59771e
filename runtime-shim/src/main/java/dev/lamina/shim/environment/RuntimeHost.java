package dev.lamina.shim.environment;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Where the runtime process lives and how the shim resets it. */
sealed interface RuntimeHost permits ChildProcessHost, SidecarHost {

    /** How long END and REPORT wait for the runtime's last lines still in its pipe. */
    Duration LOG_CATCH_UP = Duration.ofMillis(200);

    /** Starts the runtime for this generation (child mode), or expects it to connect (sidecar mode). */
    void launch(int generation) throws IOException;

    /** The runtime of this generation made its first {@code /next}; completes once its processes are known. */
    CompletableFuture<Void> ready(int generation);

    /** Kills every process of the runtime; completes once they are gone. */
    CompletableFuture<Void> terminate();

    /**
     * True when END and REPORT can be written at once: everything the runtime wrote so far is in the function log and
     * Max Memory Used was sampled less than a second ago (answers at once, on the event loop).
     */
    boolean logsCaughtUp();

    /**
     * Blocks until END and REPORT can be written: everything the runtime wrote so far is in the function log and Max
     * Memory Used is sampled, if due (reads /proc: off the event loop).
     */
    void awaitLogs();

    /** Samples Max Memory Used now if due, without waiting for the runtime's output (reads /proc). */
    void sampleMemory();

    /**
     * Whether the runtime is initializing or serving a call: while it is, a host that must enforce the function's
     * memory itself watches it (called on every change of the environment's state; answers at once).
     */
    void limitMemory(boolean busy);

    /** Max Memory Used of the current generation, in bytes (0 when unknown), from the last sample. */
    long peakMemoryBytes();

    /** Kills what the shim owns; called once when the shim stops. */
    void close();

    /**
     * As {@link #close()}, after asking the runtime to stop (SIGTERM) and giving it {@code grace} to do so: the shutdown
     * phase when extensions are registered. Blocks.
     */
    void stop(Duration grace);

    /** The environment's callback when a runtime process ends by itself. */
    interface Exits {
        void runtimeExited(int generation, String reason);
    }
}
