package dev.lamina.urls;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP request as a Function URL's door received it, before any mapping.
 *
 * @param method          the request method, e.g. {@code GET}
 * @param rawPath         the path as received, still percent-encoded, e.g. {@code /a%20b/c}
 * @param rawQueryString  the query as received, without the {@code ?}; empty when there is none
 * @param headers         every header line as received: original case, repeats kept, in order
 * @param body            the body bytes, empty when there is none
 * @param sourceIp        the address of the immediate TCP peer
 * @param protocol        the request's protocol, e.g. {@code HTTP/1.1}
 * @param scheme          {@code http} or {@code https}, as the door listens (becomes {@code x-forwarded-proto})
 * @param port            the port the door listens on (becomes {@code x-forwarded-port})
 * @param domainName      the Host the request named, without a port
 * @param requestId       the invocation's request id
 * @param timeEpochMillis when the request was received
 */
public record HttpCall(String method, String rawPath, String rawQueryString, List<HttpHeader> headers, byte[] body,
                       String sourceIp, String protocol, String scheme, int port, String domainName,
                       String requestId, long timeEpochMillis) {

    public HttpCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        rawQueryString = rawQueryString == null ? "" : rawQueryString;
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(domainName, "domainName");
        Objects.requireNonNull(requestId, "requestId");
    }
}
