package dev.lamina.shim.logs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The function's log: the runtime's output, the external extensions' output and the platform's START/END/REPORT
 * lines, in order, one line at a time, to the configured sink, with a copy into the tail of every invocation that
 * asked for one. While an extension subscribes to function or extension logs, a {@link Tap} sees those lines too.
 */
public final class FunctionLog {

    /** Receives the runtime's and the extensions' lines, from the threads that read them. */
    public interface Tap {
        void line(boolean fromExtension, String line);
    }

    private final Consumer<String> sink;
    private volatile Tap tap;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<TailBuffer> openTails = new CopyOnWriteArrayList<>();

    public FunctionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** A line the runtime wrote. It belongs to every invocation running at the time. */
    public void functionLine(String line) {
        processLine(false, line);
    }

    /** A line an external extension wrote: in Lambda's log stream like the runtime's. */
    public void extensionLine(String line) {
        processLine(true, line);
    }

    private void processLine(boolean fromExtension, String line) {
        lock.lock();
        try {
            write(line);
            openTails.forEach(tail -> tail.append(line));
        } finally {
            lock.unlock();
        }
        Tap current = tap;
        if (current != null) {
            current.line(fromExtension, line);
        }
    }

    /** Sets (or, with null, removes) the tap. */
    public void tap(Tap tap) {
        this.tap = tap;
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
