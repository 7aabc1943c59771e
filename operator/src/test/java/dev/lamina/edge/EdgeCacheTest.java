package dev.lamina.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.api.DistributionSpec.CachePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeCacheTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static CacheKey key(String distribution, String uri) {
        return CacheKey.of(distribution, CachePolicy.DEFAULT, EdgeFixtures.request("GET", uri, ""));
    }

    private static EdgeResponse body(int bytes) {
        return new EdgeResponse(200, null, EdgeHeaders.EMPTY, new byte[bytes]);
    }

    @Test
    void hitCarriesAgeUntilExpiry() {
        EdgeCache cache = new EdgeCache(1_000_000, 0.5);
        EdgeResponse response = body(10);
        assertTrue(cache.put(key("E1", "/a"), "GET", response, MINUTE, T0));

        Optional<EdgeCache.Hit> hit = cache.get(key("E1", "/a"), "GET", T0.plusSeconds(42));
        assertTrue(hit.isPresent());
        assertEquals(42, hit.get().ageSeconds());
        assertEquals(response, hit.get().response());
        assertTrue(cache.get(key("E1", "/a"), "HEAD", T0.plusSeconds(59)).isPresent());

        assertFalse(cache.get(key("E1", "/a"), "GET", T0.plusSeconds(60)).isPresent());
        assertEquals(new EdgeCache.Stats(2, 1, 0, 0, 0), cache.stats());
    }

    @Test
    void zeroTtlAndOversizedAnswersAreNotKept() {
        EdgeCache cache = new EdgeCache(10_000, 0.1);
        assertFalse(cache.put(key("E1", "/zero"), "GET", body(10), Duration.ZERO, T0));
        assertFalse(cache.put(key("E1", "/big"), "GET", body(2_000), MINUTE, T0));
        assertTrue(cache.put(key("E1", "/small"), "GET", body(500), MINUTE, T0));
        assertEquals(1, cache.stats().entries());
    }

    @Test
    void evictsLeastRecentlyUsedByBytes() {
        EdgeCache cache = new EdgeCache(3_000, 0.5);
        cache.put(key("E1", "/a"), "GET", body(800), MINUTE, T0);
        cache.put(key("E1", "/b"), "GET", body(800), MINUTE, T0);
        cache.put(key("E1", "/c"), "GET", body(800), MINUTE, T0);
        cache.get(key("E1", "/a"), "GET", T0);

        cache.put(key("E1", "/d"), "GET", body(800), MINUTE, T0);

        assertTrue(cache.get(key("E1", "/a"), "GET", T0).isPresent());
        assertFalse(cache.get(key("E1", "/b"), "GET", T0).isPresent());
        assertTrue(cache.get(key("E1", "/c"), "GET", T0).isPresent());
        assertTrue(cache.get(key("E1", "/d"), "GET", T0).isPresent());
        EdgeCache.Stats stats = cache.stats();
        assertEquals(1, stats.evictions());
        assertEquals(3, stats.entries());
        assertTrue(stats.bytes() <= 3_000 && stats.bytes() > 2_400, "bytes " + stats.bytes());
    }

    @Test
    void replacingAnEntryCountsItsBytesOnce() {
        EdgeCache cache = new EdgeCache(100_000, 1);
        cache.put(key("E1", "/a"), "GET", body(1_000), MINUTE, T0);
        long one = cache.stats().bytes();
        cache.put(key("E1", "/a"), "GET", body(1_000), MINUTE, T0);
        assertEquals(one, cache.stats().bytes());
    }

    @Test
    void headAnswersServeHeadOnlyAndNeverReplaceAGetAnswer() {
        EdgeCache cache = new EdgeCache(100_000, 1);
        EdgeResponse headers = body(0);
        assertTrue(cache.put(key("E1", "/h"), "HEAD", headers, MINUTE, T0));
        assertTrue(cache.get(key("E1", "/h"), "HEAD", T0).isPresent());
        assertFalse(cache.get(key("E1", "/h"), "GET", T0).isPresent());

        EdgeResponse full = body(100);
        assertTrue(cache.put(key("E1", "/h"), "GET", full, MINUTE, T0));
        assertFalse(cache.put(key("E1", "/h"), "HEAD", headers, MINUTE, T0));
        assertEquals(full, cache.get(key("E1", "/h"), "GET", T0).orElseThrow().response());
    }

    @Test
    void invalidateDropsOneDistribution() {
        EdgeCache cache = new EdgeCache(100_000, 1);
        cache.put(key("E1", "/a"), "GET", body(10), MINUTE, T0);
        cache.put(key("E1", "/b"), "GET", body(10), MINUTE, T0);
        cache.put(key("E2", "/a"), "GET", body(10), MINUTE, T0);

        cache.invalidate("E1");

        assertFalse(cache.get(key("E1", "/a"), "GET", T0).isPresent());
        assertFalse(cache.get(key("E1", "/b"), "GET", T0).isPresent());
        assertTrue(cache.get(key("E2", "/a"), "GET", T0).isPresent());
        assertEquals(1, cache.stats().entries());
    }
}
