package dev.lamina.shim;

/**
 * A shim's answer to a {@link DirectInvocation}: what the invoke endpoint would have sent as status, headers and body.
 *
 * @param busy          every slot was taken and the caller asked not to wait (HTTP 429 with {@code Lamina-Busy})
 * @param functionError {@code X-Amz-Function-Error}, or null when the function succeeded
 * @param logResult     {@code X-Amz-Log-Result}: base64 of the log tail, or null
 * @param body          the response (a streamed one, collected), or the error document
 */
public record DirectReply(boolean busy, String functionError, String logResult, byte[] body) {
}
