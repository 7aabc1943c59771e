package dev.lamina.shim.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The runtime's stdout and stderr in sidecar mode, where the runtime runs in another container of the pod. That
 * container's command is {@link dev.lamina.shim.ShimContract#wrapRuntime the wrapper}: it makes a named pipe in a
 * volume both containers mount and starts the runtime writing into it. The intake waits for the pipe, opens it and
 * turns what comes through into function log lines, as a child runtime's pipe does in child-process mode.
 *
 * <p>The runtime cannot write before the intake opened the pipe (opening a pipe for writing waits for a reader), so
 * no line is lost; the intake holds the pipe open for reading and writing, so a restarted runtime container writes
 * into the same pipe and the intake never sees it end.
 */
public final class RuntimeOutputIntake implements AutoCloseable {

    private static final Duration LOOK_INTERVAL = Duration.ofMillis(5);

    private final Path fifo;
    private final FunctionLog log;
    private volatile boolean closed;
    private volatile FileChannel channel;
    private volatile RandomAccessFile probe;
    private volatile LogPump pump;

    private RuntimeOutputIntake(Path fifo, FunctionLog log) {
        this.fifo = fifo;
        this.log = log;
    }

    /** Waits for {@code fifo} on a virtual thread, then pumps it into {@code log}. Returns at once. */
    public static RuntimeOutputIntake start(Path fifo, FunctionLog log) {
        RuntimeOutputIntake intake = new RuntimeOutputIntake(fifo, log);
        Thread.ofVirtual().name("lamina-runtime-output").start(intake::open);
        return intake;
    }

    /** The named pipe the runtime's wrapper makes. */
    public Path fifo() {
        return fifo;
    }

    /** True when the wrapper made the pipe: the runtime's output comes through the shim. */
    public boolean present() {
        return Files.exists(fifo);
    }

    private void open() {
        try {
            while (!closed && !Files.exists(fifo)) {
                Thread.sleep(LOOK_INTERVAL);
            }
            if (closed) {
                return;
            }
            // Read-write: opening a pipe for reading alone would wait for a writer, and would end with the runtime.
            channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
            probe = new RandomAccessFile(fifo.toFile(), "rw");
            pump = LogPump.start(Channels.newInputStream(channel), probe, log::functionLine, "lamina-runtime-output");
            if (closed) {
                close();
            }
        } catch (IOException cannotOpen) {
            log.platformLine("lamina-shim: cannot read the runtime's output from " + fifo + ": " + cannotOpen);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when every byte the runtime wrote so far has become a log line (answers at once). */
    public boolean caughtUp() {
        LogPump current = pump;
        return current == null || current.caughtUp();
    }

    /** Waits (at most {@code limit}) until every byte the runtime wrote so far has become a log line. */
    public void awaitCaughtUp(Duration limit) {
        LogPump current = pump;
        if (current != null) {
            current.awaitCaughtUp(limit);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
        closeQuietly(probe);
    }

    private static void closeQuietly(AutoCloseable handle) {
        if (handle == null) {
            return;
        }
        try {
            handle.close();
        } catch (Exception ignored) {
            // Closing a pipe handle cannot lose data.
        }
    }
}
