package dev.lamina.edge;

import java.util.Objects;

/**
 * A request as Lambda@Edge events carry it ({@code cf.request}).
 *
 * @param clientIp    the viewer's address
 * @param method      the HTTP method
 * @param uri         the path, percent-encoded as received, without the query
 * @param querystring the query without {@code ?}; empty when there is none
 * @param headers     the headers: the viewer's at viewer request, those sent to the origin at origin request
 * @param body        the body as the event shows it (only with {@code includeBody}); null otherwise
 * @param rawBody     the body bytes as received, whatever the event shows; what goes to the origin unless a
 *                    function replaced it
 * @param origin      at origin events, the origin the request goes to; null at viewer events
 */
public record EdgeRequest(String clientIp, String method, String uri, String querystring, EdgeHeaders headers,
                          Body body, byte[] rawBody, Origin origin) {

    public EdgeRequest {
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        querystring = querystring == null ? "" : querystring;
        Objects.requireNonNull(headers, "headers");
        rawBody = rawBody == null ? new byte[0] : rawBody;
    }

    /**
     * {@code cf.request.body}: what a function with {@code includeBody} sees and may replace.
     *
     * @param inputTruncated whether the body was cut at the event type's limit
     * @param action         {@code read-only} as sent; a function sets {@code replace} to send its data instead
     * @param encoding       {@code base64} or {@code text}
     * @param data           the body in that encoding
     */
    public record Body(boolean inputTruncated, String action, String encoding, String data) {
    }

    /**
     * {@code cf.request.origin.custom} (every origin Lamina sends to is a custom one).
     *
     * @param customHeaders    the origin's custom headers
     * @param domainName       host of the origin
     * @param keepaliveTimeout seconds
     * @param path             the origin path prefix, empty for none
     * @param port             the origin's port
     * @param protocol         {@code http} or {@code https}
     * @param readTimeout      seconds
     */
    public record Origin(EdgeHeaders customHeaders, String domainName, int keepaliveTimeout, String path, int port,
                         String protocol, int readTimeout) {
    }
}
