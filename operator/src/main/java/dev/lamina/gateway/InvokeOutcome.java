package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/** How an invocation ended. Every variant carries the request id. */
public sealed interface InvokeOutcome {

    String requestId();

    /** The function returned a result. {@code logResult} is base64 log tail, when asked for. */
    record Success(String requestId, String executedVersion, Buffer payload, String logResult)
            implements InvokeOutcome {
    }

    /**
     * The function failed: an exception, a timeout, a crash, a failed init or an oversize response.
     * {@code errorType} is the X-Amz-Function-Error value, {@code payload} Lambda's error JSON.
     */
    record FunctionError(String requestId, String executedVersion, String errorType, Buffer payload,
                         String logResult) implements InvokeOutcome {
    }

    /** A dry run found the function invocable. */
    record DryRunPassed(String requestId) implements InvokeOutcome {
    }

    /** Refused for concurrency; Lambda's Reason, and when to retry. */
    record Throttled(String requestId, String reason, Duration retryAfter) implements InvokeOutcome {
    }

    /** No such function, version or alias. */
    record NotFound(String requestId, String message) implements InvokeOutcome {
    }

    /** Any other service error: invalid request (4xx) or a failure of Lamina itself (5xx). */
    record Failed(String requestId, ServiceError error) implements InvokeOutcome {
    }
}
