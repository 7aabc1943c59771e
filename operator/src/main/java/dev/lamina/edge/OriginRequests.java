package dev.lamina.edge;

import dev.lamina.api.DistributionSpec;
import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.CachePolicy;
import dev.lamina.api.DistributionSpec.KeyItems;
import dev.lamina.urls.HttpHeader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request a cache miss sends to the origin (and shows the origin-request hook), made from the viewer's request
 * as the viewer-request hook left it.
 *
 * <p>What of the viewer's request goes, by the behaviour's {@code originRequestPolicy}: {@code CacheKey} sends only
 * the query string parameters, headers and cookies the cache policy puts in the key; {@code AllViewer} all of them;
 * {@code AllViewerExceptHostHeader} all but Host. Then, as CloudFront: Host is the origin's (port included when not
 * the protocol's default) unless the viewer's is sent; X-Forwarded-For gets the viewer's address appended; Via gets
 * this edge appended; X-Amz-Cf-Id is the request id; User-Agent is {@code Amazon CloudFront} unless the viewer's is
 * sent; hop-by-hop and proxy headers (and Transfer-Encoding: the body goes whole) are dropped; viewer headers named
 * as one of the origin's custom headers are dropped (the custom ones, in {@code origin.customHeaders}, are sent
 * instead). URI and body are the viewer's; the origin path is in
 * {@code origin.path} and {@link #pathAndQuery} puts it in front of the URI.
 */
public final class OriginRequests {

    /** Where the origin is, resolved by the caller (a URL's parts, a Service's address, a Function URL's). */
    public record OriginAddress(String protocol, String host, int port, String path) {
    }

    /** CloudFront's keep-alive timeout towards custom origins, seconds; events show it. */
    public static final int KEEPALIVE_TIMEOUT_SECONDS = 5;

    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "x-forwarded-proto", "x-real-ip", "x-amz-cf-id");
    private static final KeyItems ALL = new KeyItems("all", null);

    private OriginRequests() {
    }

    /**
     * The origin request for {@code viewer} under {@code behavior}.
     *
     * @param requestId the request's id (X-Amz-Cf-Id, the events' {@code requestId})
     * @param viaHost   the name this edge gives itself in Via, e.g. the distribution's domain name
     */
    public static EdgeRequest of(EdgeRequest viewer, CacheBehavior behavior,
                                 DistributionSpec.Origin origin, OriginAddress address,
                                 String requestId, String viaHost) {
        String policy = behavior.originRequestPolicy();
        boolean allViewer = !policy.equals("CacheKey");
        CachePolicy cachePolicy = behavior.cachePolicy();
        KeySelection headerSelection = allViewer ? KeySelection.of(ALL, true)
                : KeySelection.of(cachePolicy.headers(), true);

        Map<String, List<HttpHeader>> headers = new LinkedHashMap<>();
        viewer.headers().byName().forEach((name, lines) -> {
            if (headerSelection.selects(name) && !DROPPED.contains(name) && !name.startsWith("x-edge-")
                    && !name.equals("cookie") && !(name.equals("host") && policy.equals("AllViewerExceptHostHeader"))) {
                headers.put(name, lines);
            }
        });
        List<String> cookies = Cookies.of(viewer.headers())
                .selected(allViewer ? KeySelection.of(ALL, false) : KeySelection.of(cachePolicy.cookies(), false));
        if (!cookies.isEmpty()) {
            headers.put("cookie", List.of(new HttpHeader("Cookie", String.join("; ", cookies))));
        }
        String querystring = allViewer ? viewer.querystring() : String.join("&", QueryParameters
                .parse(viewer.querystring()).selected(KeySelection.of(cachePolicy.queryStrings(), false)));

        set(headers, "X-Forwarded-For", appended(viewer.headers().values("x-forwarded-for"), viewer.clientIp(), ","));
        set(headers, "Via", appended(headers.containsKey("via") ? valuesOf(headers.get("via")) : List.of(),
                "1.1 " + viaHost + " (Lamina)", ", "));
        set(headers, "X-Amz-Cf-Id", requestId);
        headers.putIfAbsent("user-agent", List.of(new HttpHeader("User-Agent", "Amazon CloudFront")));
        headers.putIfAbsent("host", List.of(new HttpHeader("Host", hostHeader(address))));
        // The origin's custom headers are sent in place of the viewer's of the same names; events show them in
        // origin.custom.customHeaders only.
        EdgeHeaders custom = customHeaders(origin);
        custom.byName().keySet().forEach(headers::remove);

        EdgeRequest.Origin target = new EdgeRequest.Origin(custom, address.host(), KEEPALIVE_TIMEOUT_SECONDS,
                address.path() == null ? "" : address.path(), address.port(), address.protocol(),
                origin.readTimeoutSeconds());
        return new EdgeRequest(viewer.clientIp(), viewer.method(), viewer.uri(), querystring,
                new EdgeHeaders(headers), viewer.body(), viewer.rawBody(), target);
    }

    /** The request target sent to the origin: origin path, URI, and the query when there is one. */
    public static String pathAndQuery(EdgeRequest originRequest) {
        String prefix = originRequest.origin() == null ? "" : originRequest.origin().path();
        String query = originRequest.querystring().isEmpty() ? "" : "?" + originRequest.querystring();
        return prefix + originRequest.uri() + query;
    }

    private static EdgeHeaders customHeaders(DistributionSpec.Origin origin) {
        if (origin.customHeaders() == null) {
            return EdgeHeaders.EMPTY;
        }
        List<HttpHeader> lines = new ArrayList<>();
        origin.customHeaders().forEach((name, value) -> lines.add(new HttpHeader(name, value)));
        return EdgeHeaders.of(lines);
    }

    private static String hostHeader(OriginAddress address) {
        int standard = address.protocol().equals("https") ? 443 : 80;
        return address.port() == standard ? address.host() : address.host() + ":" + address.port();
    }

    private static String appended(List<String> values, String last, String separator) {
        List<String> all = new ArrayList<>(values);
        all.add(last);
        return String.join(separator, all);
    }

    private static List<String> valuesOf(List<HttpHeader> lines) {
        return lines.stream().map(HttpHeader::value).toList();
    }

    private static void set(Map<String, List<HttpHeader>> headers, String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), List.of(new HttpHeader(name, value)));
    }
}
