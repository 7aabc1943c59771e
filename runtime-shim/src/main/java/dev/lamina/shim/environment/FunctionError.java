package dev.lamina.shim.environment;

import dev.lamina.shim.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A function error as the caller receives it: the error type (for logs and metrics) and the JSON body sent with
 * {@code X-Amz-Function-Error}. Errors the runtime reports keep the runtime's own document; errors the platform
 * detects (timeouts, crashes, oversize responses) use Lambda's types and messages.
 */
public record FunctionError(String errorType, byte[] body) {

    public static final String TIMEOUT = "Sandbox.Timeout";
    public static final String EXIT = "Runtime.ExitError";
    public static final String RESPONSE_TOO_LARGE = "Function.ResponseSizeTooLarge";
    public static final String TRUNCATED = "Runtime.TruncatedResponse";
    public static final String INVALID_ENTRYPOINT = "Runtime.InvalidEntrypoint";
    static final String UNKNOWN = "Runtime.Unknown";

    /**
     * What the runtime posted to {@code /error} or {@code /init/error}. A JSON object is passed on unchanged; anything
     * else becomes the message of an error document so that nothing the runtime said is lost.
     */
    public static FunctionError fromRuntime(byte[] body, String errorTypeHeader) {
        String headerType = errorTypeHeader == null || errorTypeHeader.isBlank() ? null : errorTypeHeader.strip();
        return Json.readError(body)
                .map(fields -> new FunctionError(firstNonNull(fields.errorType(), headerType, UNKNOWN), body))
                .orElseGet(() -> {
                    String type = headerType == null ? UNKNOWN : headerType;
                    String message = new String(body, StandardCharsets.UTF_8).strip();
                    return platform(type, message);
                });
    }

    public static FunctionError timeout(Duration timeout) {
        return platform(TIMEOUT, timeoutMessage(timeout));
    }

    /** Lambda's exact words: {@code Task timed out after 3.00 seconds}. */
    public static String timeoutMessage(Duration timeout) {
        return String.format(Locale.ROOT, "Task timed out after %.2f seconds", timeout.toMillis() / 1000.0);
    }

    public static FunctionError runtimeExit(String requestId, String reason) {
        return platform(EXIT, "RequestId: " + requestId + " Error: Runtime exited with error: " + reason);
    }

    public static FunctionError responseTooLarge(long limit) {
        return platform(RESPONSE_TOO_LARGE,
                "Response payload size exceeded maximum allowed payload size (" + limit + " bytes).");
    }

    public static FunctionError truncated(String requestId) {
        return platform(TRUNCATED, "RequestId: " + requestId
                + " Error: Runtime closed the streamed response before completing it");
    }

    public static FunctionError platform(String errorType, String errorMessage) {
        return new FunctionError(errorType, Json.functionError(errorMessage, errorType, List.of()));
    }

    /** The error fields, read back from the body (for the init error shown in {@code /state}). */
    public Json.ErrorFields fields() {
        return Json.readError(body)
                .map(fields -> new Json.ErrorFields(firstNonNull(fields.errorType(), errorType, UNKNOWN),
                        firstNonNull(fields.errorMessage(), "", "")))
                .orElseGet(() -> new Json.ErrorFields(errorType, ""));
    }

    private static String firstNonNull(String first, String second, String fallback) {
        return first != null ? first : second != null ? second : fallback;
    }
}
