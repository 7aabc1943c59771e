package dev.lamina.shim.logs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The function's log: the runtime's output and the platform's START/END/REPORT lines, in order, one line at a time,
 * to the configured sink, with a copy into the tail of every invocation that asked for one.
 */
public final class FunctionLog {

    private final Consumer<String> sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<TailBuffer> openTails = new CopyOnWriteArrayList<>();

    public FunctionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** A line the runtime wrote. It belongs to every invocation running at the time. */
    public void functionLine(String line) {
        lock.lock();
        try {
            write(line);
            openTails.forEach(tail -> tail.append(line));
        } finally {
            lock.unlock();
        }
    }

    /** A platform line about one invocation (tail may be null when it asked for none). */
    public void platformLine(String line, TailBuffer tail) {
        lock.lock();
        try {
            write(line);
            if (tail != null) {
                tail.append(line);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A platform line about the environment (init, restarts). */
    public void platformLine(String line) {
        platformLine(line, null);
    }

    private void write(String line) {
        try {
            sink.accept(line);
        } catch (RuntimeException sinkFailure) {
            // A failing sink loses this line; it must not stop invocations or the runtime's output pump.
        }
    }

    public TailBuffer openTail() {
        TailBuffer tail = new TailBuffer();
        openTails.add(tail);
        return tail;
    }

    public void closeTail(TailBuffer tail) {
        openTails.remove(tail);
    }
}
