package dev.lamina.local;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Function log lines on standard output, in the order they are given, written by one thread in batches. Every
 * invocation gives three lines at least (START, END, REPORT) from the gateway's event loops: printed one by one, each
 * would take the console's lock and a write of its own; queued, a busy gateway writes many lines at once and an
 * event loop never waits for the console. {@link #close()} writes what is still queued.
 */
final class ConsoleLines implements AutoCloseable {

    private static final int BATCH_BYTES = 64 * 1024;

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final PrintStream out;
    private final Thread writer;
    private volatile boolean writerParked;
    private volatile boolean closed;

    ConsoleLines(PrintStream out) {
        this.out = out;
        this.writer = Thread.ofPlatform().name("lamina-console").daemon().start(this::run);
    }

    void println(String line) {
        queue.add(line);
        if (writerParked) {
            LockSupport.unpark(writer);
        }
    }

    private void run() {
        byte[] batch = new byte[BATCH_BYTES];
        int size = 0;
        while (true) {
            String line = queue.poll();
            if (line != null) {
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                if (size + bytes.length > batch.length) {
                    out.write(batch, 0, size);
                    size = 0;
                }
                if (bytes.length > batch.length) {
                    out.write(bytes, 0, bytes.length);
                } else {
                    System.arraycopy(bytes, 0, batch, size, bytes.length);
                    size += bytes.length;
                }
                continue;
            }
            if (size > 0) {
                out.write(batch, 0, size);
                out.flush();
                size = 0;
                continue;
            }
            if (closed) {
                return;
            }
            // Parked only with nothing queued: a line added after this flag is seen unparks the writer.
            writerParked = true;
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            writerParked = false;
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(5_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
