package dev.lamina.async;

/**
 * Invokes a function through the same routing and concurrency path as a synchronous Invoke call. Called on a
 * virtual thread; blocks until the invocation ends.
 */
@FunctionalInterface
public interface FunctionInvoker {

    /**
     * @param function    the function and qualifier the event was sent to
     * @param payload     the event
     * @param requestId   the event's request id: the same for every attempt, as in Lambda
     * @param traceHeader the {@code X-Amzn-Trace-Id} to hand to the function; it carries the recursion lineage
     */
    AttemptOutcome invoke(FunctionRef function, byte[] payload, String requestId, String traceHeader);
}
