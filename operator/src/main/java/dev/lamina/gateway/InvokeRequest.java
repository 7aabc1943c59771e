package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * One synchronous invocation, as the Invoke API receives it.
 *
 * @param namespace     the namespace (account) to resolve in
 * @param functionName  a name, partial ARN or full ARN, optionally with {@code :QUALIFIER}
 * @param qualifier     the separate Qualifier, or null
 * @param payload       the event (JSON, may be empty)
 * @param dryRun        only check that the function can be invoked
 * @param tailLog       return the last 4 KB of the invocation's log
 * @param clientContext base64 JSON client context, or null
 * @param traceId       X-Amzn-Trace-Id to pass on, or null
 * @param requestId     the request id to use, or null to make one (async delivery keeps its event's id)
 */
public record InvokeRequest(String namespace, String functionName, String qualifier, Buffer payload, boolean dryRun,
                            boolean tailLog, String clientContext, String traceId, String requestId) {
}
