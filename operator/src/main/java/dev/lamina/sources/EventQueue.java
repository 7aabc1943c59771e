package dev.lamina.sources;

import dev.lamina.async.FunctionRef;
import dev.lamina.async.IntakeResult;
import java.util.concurrent.CompletableFuture;

/** Queues an asynchronous invocation durably (the gateway's async intake), as EventBridge invokes on a schedule. */
@FunctionalInterface
public interface EventQueue {
    CompletableFuture<IntakeResult> enqueue(FunctionRef function, byte[] payload);
}
