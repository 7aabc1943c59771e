package dev.lamina.edge;

import static dev.lamina.edge.EdgeFixtures.behavior;
import static dev.lamina.edge.EdgeFixtures.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.CachePolicy;
import dev.lamina.urls.HttpHeader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CacheTtlTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final CacheBehavior TYPICAL = behavior(null, policy(0, 86400, 31536000), null);
    private static final CacheBehavior WITH_MIN = behavior(null, policy(60, 600, 3600), null);

    private static EdgeResponse response(int status, String... headers) {
        List<HttpHeader> lines = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            lines.add(new HttpHeader(headers[i], headers[i + 1]));
        }
        return new EdgeResponse(status, null, EdgeHeaders.of(lines), new byte[0]);
    }

    private static long ttl(CacheBehavior behavior, EdgeResponse response) {
        return CacheTtl.of(behavior, "GET", response, NOW).toSeconds();
    }

    @Test
    void withoutDirectivesTheDefaultTtl() {
        assertEquals(86400, ttl(TYPICAL, response(200)));
        assertEquals(600, ttl(WITH_MIN, response(200)));
        assertEquals(86400, ttl(TYPICAL, response(301, "Location", "/b")));
    }

    @Test
    void maxAgeClampedToMinAndMax() {
        assertEquals(120, ttl(TYPICAL, response(200, "Cache-Control", "public, max-age=120")));
        assertEquals(60, ttl(WITH_MIN, response(200, "Cache-Control", "max-age=5")));
        assertEquals(3600, ttl(WITH_MIN, response(200, "Cache-Control", "max-age=999999")));
        assertEquals(0, ttl(TYPICAL, response(200, "Cache-Control", "max-age=0")));
    }

    @Test
    void sMaxAgeWinsOverMaxAge() {
        assertEquals(300, ttl(TYPICAL, response(200, "Cache-Control", "max-age=10, s-maxage=300")));
        assertEquals(300, ttl(TYPICAL, response(200, "Cache-Control", "max-age=10", "Cache-Control", "s-maxage=300")));
    }

    @Test
    void expiresWhenNoMaxAge() {
        assertEquals(3600, ttl(TYPICAL, response(200, "Expires", "Sun, 1 Jun 2025 13:00:00 GMT")));
        assertEquals(60, ttl(WITH_MIN, response(200, "Expires", "Sun, 1 Jun 2025 11:00:00 GMT")));
        assertEquals(0, ttl(TYPICAL, response(200, "Expires", "0")));
        assertEquals(20, ttl(TYPICAL, response(200, "Expires", "Sun, 1 Jun 2025 13:00:00 GMT",
                "Cache-Control", "max-age=20")));
    }

    @Test
    void noCacheNoStorePrivateKeepOnlyMinTtl() {
        assertEquals(0, ttl(TYPICAL, response(200, "Cache-Control", "no-cache")));
        assertEquals(0, ttl(TYPICAL, response(200, "Cache-Control", "No-Store, max-age=300")));
        assertEquals(60, ttl(WITH_MIN, response(200, "Cache-Control", "private, max-age=300")));
    }

    @Test
    void onlyCachedMethods() {
        assertEquals(Duration.ZERO, CacheTtl.of(TYPICAL, "POST", response(200), NOW));
        assertEquals(Duration.ZERO, CacheTtl.of(TYPICAL, "OPTIONS", response(200), NOW));
        CacheBehavior withOptions = new CacheBehavior(null, "origin", List.of("GET", "HEAD", "OPTIONS"),
                List.of("GET", "HEAD", "OPTIONS"), null, null, null);
        assertEquals(Duration.ofDays(1), CacheTtl.of(withOptions, "OPTIONS", response(200), NOW));
        assertEquals(Duration.ofDays(1), CacheTtl.of(TYPICAL, "HEAD", response(200), NOW));
    }

    @Test
    void errorsForTheErrorCachingTtl() {
        assertEquals(10, ttl(TYPICAL, response(404)));
        assertEquals(10, ttl(TYPICAL, response(503)));
        assertEquals(10, ttl(behavior(null, policy(0, 0, 0), null), response(502)));
        assertEquals(120, ttl(TYPICAL, response(404, "Cache-Control", "max-age=120")));
        assertEquals(10, ttl(TYPICAL, response(500, "Cache-Control", "max-age=1")));
        assertEquals(0, ttl(TYPICAL, response(403)));
        assertEquals(30, ttl(TYPICAL, response(403, "Cache-Control", "s-maxage=30")));
    }

    @Test
    void otherStatusesAreNotCached() {
        assertEquals(0, ttl(TYPICAL, response(206, "Cache-Control", "max-age=60")));
        assertEquals(0, ttl(TYPICAL, response(304)));
        assertEquals(0, ttl(TYPICAL, response(401, "Cache-Control", "max-age=60")));
        assertEquals(0, ttl(TYPICAL, response(429)));
    }

    @Test
    void cachingOffWithAllTtlsZero() {
        CachePolicy off = policy(0, 0, 0);
        assertEquals(0, ttl(behavior(null, off, null), response(200)));
        assertEquals(0, ttl(behavior(null, off, null), response(200, "Cache-Control", "max-age=600")));
    }
}
