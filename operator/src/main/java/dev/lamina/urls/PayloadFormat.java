package dev.lamina.urls;

/**
 * How a Function URL's requests reach its function and how the function's response becomes the HTTP answer.
 * {@code 2.0} is what AWS Function URLs send; {@code 1.0} (API Gateway's REST proxy integration) and {@code alb}
 * (an Application Load Balancer target group) are Lamina's extension, so that functions written for those
 * integrations, and adapters built on them, run unchanged behind a Function URL.
 */
public sealed interface PayloadFormat permits FunctionUrlFormat, RestProxyFormat, LoadBalancerFormat {

    /** The event JSON the function is invoked with. */
    byte[] event(HttpCall call, UrlContext context);

    /** The function's (successful) response mapped to an HTTP answer, or refused by this format's rules. */
    MappedAnswer answer(byte[] response);

    /**
     * The format a URL names.
     *
     * @param format            {@code "2.0"} (also when null), {@code "1.0"} or {@code "alb"}
     * @param multiValueHeaders for {@code alb}: the target group's multi-value headers attribute; ignored otherwise
     * @throws IllegalArgumentException for any other format
     */
    static PayloadFormat of(String format, boolean multiValueHeaders) {
        return switch (format == null ? "2.0" : format) {
            case "2.0" -> new FunctionUrlFormat();
            case "1.0" -> new RestProxyFormat();
            case "alb" -> new LoadBalancerFormat(multiValueHeaders);
            default -> throw new IllegalArgumentException(
                    "unknown payload format '" + format + "': expected 2.0, 1.0 or alb");
        };
    }
}
