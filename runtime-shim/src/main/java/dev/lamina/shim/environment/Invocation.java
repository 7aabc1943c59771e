package dev.lamina.shim.environment;

import dev.lamina.shim.extensions.InvokeRound;
import dev.lamina.shim.logs.TailBuffer;
import io.netty.util.concurrent.ScheduledFuture;

/** One invocation's life in the environment. Confined to the shim's event loop. */
public final class Invocation {

    enum State { WAITING_FOR_SLOT, WAITING_FOR_RUNTIME, RUNNING, STREAMING, DONE }

    private final InvocationRequest request;
    private final InvocationSink sink;
    private final long admittedNanos = System.nanoTime();
    State state = State.WAITING_FOR_SLOT;
    int generation;
    long startedNanos;
    long deadlineEpochMs;
    /** Init duration to report with this invocation (its cold start), or -1. */
    long initNanos = -1;
    ScheduledFuture<?> timer;
    TailBuffer tail;
    /** The timeout or runtime exit that ended the invocation, for its REPORT's status; null otherwise. */
    FunctionError platformFailure;
    /** The extensions subscribed to INVOKE that received this one; null when there are none. */
    InvokeRound round;

    public Invocation(InvocationRequest request, InvocationSink sink) {
        this.request = request;
        this.sink = sink;
    }

    public InvocationRequest request() {
        return request;
    }

    public String requestId() {
        return request.requestId();
    }

    public long deadlineEpochMs() {
        return deadlineEpochMs;
    }

    InvocationSink sink() {
        return sink;
    }

    boolean dispatched() {
        return state == State.RUNNING || state == State.STREAMING;
    }

    /** When the invocation started, for its REPORT duration: dispatch time, or admission if it never ran. */
    long startNanos() {
        return startedNanos != 0 ? startedNanos : admittedNanos;
    }
}
