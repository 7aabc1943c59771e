package dev.lamina.urls;

/**
 * The answers a Function URL gives when it cannot give the function's own, as AWS gives them, in one place.
 *
 * <p>What AWS documents and what its Function URLs were observed to send:
 * <ul>
 *   <li>The function failed (an exception, a crash, a failed init), it timed out, or its response broke the payload
 *       format's rules (not JSON, a bad {@code statusCode}, invalid base64, too large): {@code 502} with the body
 *       {@code Internal Server Error}, as Function URLs answer a function that throws or times out. API Gateway's
 *       Lambda page documents 502 for a function that "returns an error, or returns a response in the wrong
 *       format".</li>
 *   <li>Throttled (reserved or account concurrency exhausted): {@code 429}, {@code x-amzn-ErrorType:
 *       ThrottlingException}, body {@code {"message":"Rate Exceeded."}} (Lambda's guide: "Whenever your function
 *       concurrency exceeds the reserved concurrency, your function URL returns an HTTP 429 status code").</li>
 *   <li>Request body over the synchronous payload limit (6 MB): {@code 413}, {@code x-amzn-ErrorType:
 *       RequestEntityTooLargeException}. AWS does not document this body; Lamina sends the Lambda service's message in
 *       the {@code Message} shape of the Function URL errors.</li>
 *   <li>Refused by authorization: {@code 403}, {@code x-amzn-ErrorType: AccessDeniedException} with the message AWS
 *       sends; a URL that does not exist gets the same status and type with {@code {"Message":null}}.</li>
 * </ul>
 * The {@code 1.0} and {@code alb} payload formats are Lamina extensions of a Function URL, so they answer these same
 * errors.
 */
public final class UrlErrors {

    /** One error answer: status, the {@code x-amzn-ErrorType} header (null for none), content type and body. */
    public record UrlError(int status, String errorType, String contentType, String body) {
    }

    private static final String JSON = "application/json";

    public static final UrlError INVALID_RESPONSE = new UrlError(502, null, JSON, "Internal Server Error");
    public static final UrlError FUNCTION_ERROR = INVALID_RESPONSE;
    public static final UrlError TIMEOUT = INVALID_RESPONSE;
    public static final UrlError THROTTLED =
            new UrlError(429, "ThrottlingException", JSON, "{\"message\":\"Rate Exceeded.\"}");
    public static final UrlError REQUEST_TOO_LARGE = new UrlError(413, "RequestEntityTooLargeException", JSON,
            "{\"Message\":\"Request must be smaller than 6291456 bytes for the InvokeFunction operation\"}");
    public static final UrlError FORBIDDEN = new UrlError(403, "AccessDeniedException", JSON,
            "{\"Message\":\"Forbidden. For troubleshooting Function URL authorization issues, see: "
                    + "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}");
    public static final UrlError NO_SUCH_URL = new UrlError(403, "AccessDeniedException", JSON, "{\"Message\":null}");

    private UrlErrors() {
    }
}
