package dev.lamina.shim.logs;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Copies a process's output (stdout and stderr merged, as Lambda does) into the function log, line by line: the
 * runtime's, or an external extension's; in sidecar mode, what a runtime container writes into a named pipe
 * ({@link RuntimeOutputIntake}).
 *
 * <p>The runtime writes its log and then posts its response over HTTP; the shim must not write END/REPORT or a log
 * tail before those earlier lines have been read. {@link #awaitCaughtUp} waits until the pump has read everything
 * in the pipe. To see how much is left in the pipe without consuming it, the pump opens the runtime's end of the
 * pipe once more through {@code /proc/<pid>/fd/1} and asks it for the bytes available. That second handle is
 * opened read-write because opening a pipe read-only blocks when no writer is left; it is closed when the runtime
 * exits so that the pump still sees the end of the stream.
 */
public final class LogPump {

    /** Lambda cuts log events at 256 KB; longer lines are split. */
    private static final int MAX_LINE = 256 * 1024;

    private final InputStream output;
    private final Consumer<String> lines;
    private final RandomAccessFile pipeHandle;
    private final FileInputStream pipeProbe;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private boolean blockedOnEmptyPipe;
    private boolean finished;

    private LogPump(InputStream output, Consumer<String> lines, RandomAccessFile pipeHandle) {
        this.output = output;
        this.lines = lines;
        this.pipeHandle = pipeHandle;
        FileInputStream probe = null;
        if (pipeHandle != null) {
            try {
                probe = new FileInputStream(pipeHandle.getFD());
            } catch (IOException unavailable) {
                // Only the catch-up check is weaker without it.
            }
        }
        this.pipeProbe = probe;
    }

    /** Starts pumping on a daemon platform thread: the read blocks in the kernel on a pipe for the runtime's life. */
    public static LogPump start(Process process, Consumer<String> lines, String threadName) {
        RandomAccessFile handle = null;
        try {
            handle = new RandomAccessFile("/proc/" + process.pid() + "/fd/1", "rw");
        } catch (IOException unavailable) {
            // No /proc or no access: the pump still works, only the catch-up check is weaker.
        }
        return start(new LogPump(process.getInputStream(), lines, handle), threadName);
    }

    /**
     * Pumps a named pipe the shim holds open for reading and writing: it never ends while the pump runs, so writers
     * may come and go (a runtime container restarted), and {@code pipeHandle} shows what is left in it. The stream
     * ends when {@code output} is closed.
     */
    static LogPump start(InputStream output, RandomAccessFile pipeHandle, Consumer<String> lines, String threadName) {
        return start(new LogPump(output, lines, pipeHandle), threadName);
    }

    private static LogPump start(LogPump pump, String threadName) {
        Thread.ofPlatform().name(threadName).daemon().start(pump::run);
        return pump;
    }

    /** The runtime process has exited: let go of the extra pipe handle so the stream can end. */
    public void runtimeExited() {
        if (pipeHandle != null) {
            try {
                pipeHandle.close();
            } catch (IOException ignored) {
                // Closing a pipe handle cannot lose data.
            }
        }
    }

    /** True when every byte the runtime wrote so far has become a log line (answers at once). */
    public boolean caughtUp() {
        lock.lock();
        try {
            return finished || (blockedOnEmptyPipe && pipeEmpty());
        } finally {
            lock.unlock();
        }
    }

    /** Waits (at most {@code limit}) until every byte the runtime wrote so far has become a log line. */
    public void awaitCaughtUp(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (!finished && !(blockedOnEmptyPipe && pipeEmpty())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                progressed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private boolean pipeEmpty() {
        if (pipeProbe == null) {
            return true;
        }
        try {
            return pipeProbe.available() == 0;
        } catch (IOException closed) {
            return true;
        }
    }

    private void run() {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try {
            while (true) {
                setBlocked(true);
                int read = output.read(buffer);
                setBlocked(false);
                if (read < 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        emit(line);
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            emit(line);
                        }
                    }
                }
            }
        } catch (IOException streamClosed) {
            // The shim closed the stream while shutting down.
        } finally {
            if (line.size() > 0) {
                emit(line);
            }
            lock.lock();
            try {
                finished = true;
                progressed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void setBlocked(boolean blocked) {
        lock.lock();
        try {
            blockedOnEmptyPipe = blocked;
            if (blocked) {
                progressed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void emit(ByteArrayOutputStream line) {
        int length = line.size();
        byte[] bytes = line.toByteArray();
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        line.reset();
        lines.accept(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
