package dev.lamina.edge;

import static dev.lamina.edge.EdgeFixtures.items;
import static dev.lamina.edge.EdgeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.CachePolicy;
import dev.lamina.api.DistributionSpec.Origin;
import dev.lamina.edge.OriginRequests.OriginAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OriginRequestsTest {

    private static final Origin ORIGIN = new Origin("origin", "https://static.example.org:8443/site", null, null,
            null, Map.of("X-Origin-Secret", "s3cret", "Accept-Language", "en"), 20);
    private static final OriginAddress ADDRESS = new OriginAddress("https", "static.example.org", 8443, "/site");
    private static final CachePolicy KEYED = new CachePolicy(null, null, null, items("whitelist", "size"),
            items("whitelist", "X-Device"), items("whitelist", "lang"));

    private static final EdgeRequest VIEWER = request("GET", "/img/a.jpg", "size=2&ref=news",
            "Host", "d123.edge.example.com", "User-Agent", "curl/8", "X-Device", "mobile", "Accept", "*/*",
            "Accept-Language", "fr", "Cookie", "lang=fr; session=abc", "X-Forwarded-For", "192.0.2.4",
            "Via", "1.1 proxy", "Connection", "keep-alive", "X-Real-IP", "1.2.3.4", "X-Edge-Thing", "x",
            "X-Amz-Cf-Id", "forged");

    private static EdgeRequest toOrigin(String originRequestPolicy) {
        CacheBehavior behavior = new CacheBehavior(null, "origin", null, null, KEYED, originRequestPolicy, null);
        return OriginRequests.of(VIEWER, behavior, ORIGIN, ADDRESS, "req-1", "d123.edge.example.com");
    }

    @Test
    void cacheKeyPolicySendsOnlyWhatIsInTheKey() {
        EdgeRequest sent = toOrigin("CacheKey");
        EdgeHeaders headers = sent.headers();

        assertEquals("size=2", sent.querystring());
        assertEquals("mobile", headers.first("x-device"));
        assertEquals("lang=fr", headers.first("cookie"));
        assertNull(headers.first("accept"));
        assertEquals("static.example.org:8443", headers.first("host"));
        assertEquals("Amazon CloudFront", headers.first("user-agent"));
        assertEquals("1.1 d123.edge.example.com (Lamina)", headers.first("via"));
        assertEquals("192.0.2.4,203.0.113.9", headers.first("x-forwarded-for"));
        assertEquals("req-1", headers.first("x-amz-cf-id"));
        assertFalse(headers.contains("x-origin-secret"), "custom headers are the origin's, sent as it has them");
        assertEquals("s3cret", sent.origin().customHeaders().first("x-origin-secret"));
        assertEquals("en", sent.origin().customHeaders().first("accept-language"));
    }

    @Test
    void allViewerSendsEverythingButHopByHop() {
        EdgeRequest sent = toOrigin("AllViewer");
        EdgeHeaders headers = sent.headers();

        assertEquals("size=2&ref=news", sent.querystring());
        assertEquals("d123.edge.example.com", headers.first("host"));
        assertEquals("curl/8", headers.first("user-agent"));
        assertEquals("*/*", headers.first("accept"));
        assertEquals("lang=fr; session=abc", headers.first("cookie"));
        assertEquals("1.1 proxy, 1.1 d123.edge.example.com (Lamina)", headers.first("via"));
        assertEquals("req-1", headers.first("x-amz-cf-id"));
        assertFalse(headers.contains("accept-language"), "the origin's custom header is sent instead of the viewer's");
        assertEquals("en", sent.origin().customHeaders().first("accept-language"));
        for (String dropped : List.of("connection", "x-real-ip", "x-edge-thing")) {
            assertFalse(headers.contains(dropped), dropped);
        }
    }

    @Test
    void allViewerExceptHostHeaderUsesTheOriginsHost() {
        EdgeRequest sent = toOrigin("AllViewerExceptHostHeader");
        assertEquals("static.example.org:8443", sent.headers().first("host"));
        assertEquals("curl/8", sent.headers().first("user-agent"));
        assertEquals(List.of("static.example.org:8443"), sent.headers().values("Host"));
    }

    @Test
    void originAsTheOriginRequestEventShowsIt() {
        EdgeRequest sent = toOrigin("CacheKey");
        EdgeRequest.Origin origin = sent.origin();
        assertEquals("static.example.org", origin.domainName());
        assertEquals(8443, origin.port());
        assertEquals("https", origin.protocol());
        assertEquals("/site", origin.path());
        assertEquals(20, origin.readTimeout());
        assertEquals(5, origin.keepaliveTimeout());
        assertEquals("s3cret", origin.customHeaders().first("X-Origin-Secret"));
        assertEquals("/img/a.jpg", sent.uri());
        assertEquals("/site/img/a.jpg?size=2", OriginRequests.pathAndQuery(sent));
    }

    @Test
    void defaultPortsLeaveHostBareAndNoQueryLeavesNoQuestionMark() {
        CacheBehavior behavior = new CacheBehavior(null, "origin", null, null, null, null, null);
        Origin plain = new Origin("origin", "http://svc", null, null, null, null, null);
        EdgeRequest sent = OriginRequests.of(request("GET", "/x", "a=1"), behavior, plain,
                new OriginAddress("http", "svc", 80, ""), "req-2", "edge");
        assertEquals("svc", sent.headers().first("host"));
        assertEquals("203.0.113.9", sent.headers().first("x-forwarded-for"));
        assertEquals("/x", OriginRequests.pathAndQuery(sent));
    }
}
