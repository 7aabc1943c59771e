package dev.lamina.urls;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP answer a function's response maps to.
 *
 * @param status            the status code, 100 to 599
 * @param statusDescription the reason phrase of the status line, from {@code alb}'s {@code statusDescription}; null
 *                          for the standard one
 * @param headers           the headers in the function's order; never {@code Content-Length} nor hop-by-hop ones
 * @param cookies           cookies to set, each one {@code Set-Cookie} header
 * @param body              the decoded body
 */
public record HttpAnswer(int status, String statusDescription, List<HttpHeader> headers, List<String> cookies,
                         byte[] body) {

    public HttpAnswer {
        headers = List.copyOf(headers);
        cookies = List.copyOf(cookies);
    }

    /** The headers to write: {@link #headers()}, then one {@code Set-Cookie} per cookie. */
    public List<HttpHeader> headersWithCookies() {
        List<HttpHeader> all = new ArrayList<>(headers);
        cookies.forEach(cookie -> all.add(new HttpHeader("Set-Cookie", cookie)));
        return all;
    }
}
