package dev.lamina.shim;

/**
 * A shim's answer to a {@link DirectInvocation}: what the invoke endpoint would have sent as status, headers and body
 * (or, for a streamed response, as trailers).
 *
 * @param busy          every slot was taken and the caller asked not to wait (HTTP 429 with {@code Lamina-Busy})
 * @param functionError {@code X-Amz-Function-Error}, or null when the function succeeded
 * @param errorType     the function error's type (the runtime's, or Lambda's for one the platform detected, such as
 *                      a timeout), or null when the function succeeded
 * @param logResult     {@code X-Amz-Log-Result}: base64 of the log tail, or null
 * @param body          the response (a streamed one collected, or empty when it went to the invocation's
 *                      {@link StreamReceiver}), or the error document
 */
public record DirectReply(boolean busy, String functionError, String errorType, String logResult, byte[] body) {
}
