package dev.lamina.edge;

import java.util.Objects;

/**
 * A response as Lambda@Edge events carry it ({@code cf.response}), with the body Lamina holds beside it (response
 * events never show the body to the function; a function may replace it).
 *
 * @param status            the status code
 * @param statusDescription the reason phrase; null for the standard one
 * @param headers           the headers
 * @param body              the body bytes
 */
public record EdgeResponse(int status, String statusDescription, EdgeHeaders headers, byte[] body) {

    public EdgeResponse {
        Objects.requireNonNull(headers, "headers");
        body = body == null ? new byte[0] : body;
    }
}
