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

    public static final String TIMEOUT = "Sandbox.Timedout";
    public static final String EXIT = "Runtime.ExitError";
    public static final String OUT_OF_MEMORY = "Runtime.OutOfMemory";
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

    /** Lambda's words: {@code RequestId: ID Error: Task timed out after 3.00 seconds}. */
    public static FunctionError timeout(String requestId, Duration timeout) {
        return platform(TIMEOUT, "RequestId: " + requestId + " Error: " + String.format(Locale.ROOT,
                "Task timed out after %.2f seconds", timeout.toMillis() / 1000.0));
    }

    /** @param reason how the runtime ended, in Lambda's words ({@code Runtime exited with error: exit status 3}) */
    public static FunctionError runtimeExit(String requestId, String reason) {
        return platform(EXIT, "RequestId: " + requestId + " Error: " + reason);
    }

    /** A runtime the kernel killed once it had used all of the function's memory. */
    public static FunctionError outOfMemory(String requestId, String reason) {
        return platform(OUT_OF_MEMORY, "RequestId: " + requestId + " Error: " + reason);
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
