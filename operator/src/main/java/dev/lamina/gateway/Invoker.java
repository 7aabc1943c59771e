package dev.lamina.gateway;

import java.util.concurrent.CompletionStage;

/**
 * Invokes a function synchronously, in process: what the Invoke API does after reading the HTTP request, for async
 * delivery and event sources to call directly. Never blocks the calling thread; the stage never completes
 * exceptionally (every failure is an {@link InvokeAnswer}).
 */
public interface Invoker {

    CompletionStage<InvokeAnswer> invoke(InvokeRequest request);
}
