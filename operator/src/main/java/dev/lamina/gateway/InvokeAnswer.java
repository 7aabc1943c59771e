package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * What the invocation path answers one Invoke call with, in the terms of the Invoke API's HTTP answer. Every variant
 * carries the request id.
 */
public sealed interface InvokeAnswer {

    String requestId();

    /** The function returned a result. {@code logResult} is base64 log tail, when asked for. */
    record Success(String requestId, String executedVersion, Buffer payload, String logResult)
            implements InvokeAnswer {
    }

    /**
     * The function failed: an exception, a timeout, a crash, a failed init or an oversize response.
     * {@code errorType} is the X-Amz-Function-Error value, {@code payload} Lambda's error JSON.
     */
    record FunctionError(String requestId, String executedVersion, String errorType, Buffer payload,
                         String logResult) implements InvokeAnswer {
    }

    /**
     * The function streamed its response: it went to the invocation's {@link ResponseStream}, which has been ended
     * already. {@code functionError} tells whether the stream ended with an error.
     */
    record Streamed(String requestId, String executedVersion, boolean functionError) implements InvokeAnswer {
    }

    /** A dry run found the function invocable. */
    record DryRunPassed(String requestId) implements InvokeAnswer {
    }

    /** Refused for concurrency; Lambda's Reason, and when to retry. */
    record Throttled(String requestId, String reason, Duration retryAfter) implements InvokeAnswer {
    }

    /** No such function, version or alias. */
    record NotFound(String requestId, String message) implements InvokeAnswer {
    }

    /** Any other service error: invalid request (4xx) or a failure of Lamina itself (5xx). */
    record Failed(String requestId, ServiceError error) implements InvokeAnswer {
    }
}
