package dev.lamina.edge;

import static dev.lamina.edge.EdgeFixtures.items;
import static dev.lamina.edge.EdgeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lamina.api.DistributionSpec.CachePolicy;
import dev.lamina.api.DistributionSpec.KeyItems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CacheKeyTest {

    private static CachePolicy keyed(KeyItems query, KeyItems headers, KeyItems cookies) {
        return new CachePolicy(null, null, null, query, headers, cookies);
    }

    private static CacheKey key(CachePolicy policy, EdgeRequest request) {
        return CacheKey.of("E1", policy, request);
    }

    @Test
    void defaultKeyIsDistributionAndPathOnly() {
        CacheKey plain = key(CachePolicy.DEFAULT, request("GET", "/a.html", ""));
        assertEquals(plain, key(CachePolicy.DEFAULT, request("GET", "/a.html", "ref=1",
                "User-Agent", "x", "Cookie", "s=1", "Host", "alias.example.com")));
        assertNotEquals(plain, key(CachePolicy.DEFAULT, request("GET", "/b.html", "")));
        assertNotEquals(plain, CacheKey.of("E2", CachePolicy.DEFAULT, request("GET", "/a.html", "")));
    }

    @Test
    void getAndHeadShareAKeyOptionsHasItsOwn() {
        CacheKey get = key(CachePolicy.DEFAULT, request("GET", "/a", ""));
        assertEquals(get, key(CachePolicy.DEFAULT, request("HEAD", "/a", "")));
        assertNotEquals(get, key(CachePolicy.DEFAULT, request("OPTIONS", "/a", "")));
    }

    @Test
    void queryStringsByBehaviour() {
        CachePolicy whitelist = keyed(items("whitelist", "size"), null, null);
        assertEquals(key(whitelist, request("GET", "/i", "size=1&ref=a")), key(whitelist, request("GET", "/i", "ref=b&size=1")));
        assertNotEquals(key(whitelist, request("GET", "/i", "size=1")), key(whitelist, request("GET", "/i", "size=2")));
        assertNotEquals(key(whitelist, request("GET", "/i", "size=1")), key(whitelist, request("GET", "/i", "Size=1")));

        CachePolicy allExcept = keyed(items("allExcept", "ref"), null, null);
        assertEquals(key(allExcept, request("GET", "/i", "a=1&ref=x")), key(allExcept, request("GET", "/i", "a=1&ref=y")));
        assertNotEquals(key(allExcept, request("GET", "/i", "a=1")), key(allExcept, request("GET", "/i", "a=1&b=2")));

        CachePolicy all = keyed(items("all"), null, null);
        assertEquals(key(all, request("GET", "/i", "a=1&b=2")), key(all, request("GET", "/i", "b=2&a=1")));
        assertNotEquals(key(all, request("GET", "/i", "a=1&a=2")), key(all, request("GET", "/i", "a=2&a=1")));
        assertNotEquals(key(all, request("GET", "/i", "a=1")), key(all, request("GET", "/i", "a=1&ref=x")));

        CachePolicy none = keyed(items("none"), null, null);
        assertEquals(key(none, request("GET", "/i", "a=1")), key(none, request("GET", "/i", "a=2")));
    }

    @Test
    void headersCaseInsensitivelyAndOrderFree() {
        CachePolicy policy = keyed(null, items("whitelist", "Accept-Language", "X-Device"), null);
        assertEquals(key(policy, request("GET", "/", "", "accept-language", "fr", "X-DEVICE", "m")),
                key(policy, request("GET", "/", "", "X-Device", "m", "Accept-Language", "fr", "Accept", "x")));
        assertNotEquals(key(policy, request("GET", "/", "", "Accept-Language", "fr")),
                key(policy, request("GET", "/", "", "Accept-Language", "de")));
        assertNotEquals(key(policy, request("GET", "/", "", "Accept-Language", "")),
                key(policy, request("GET", "/", "")));

        CachePolicy host = keyed(null, items("whitelist", "host"), null);
        assertNotEquals(key(host, request("GET", "/", "", "Host", "a.example.com")),
                key(host, request("GET", "/", "", "Host", "b.example.com")));
    }

    @Test
    void cookiesFromEveryCookieLineByName() {
        CachePolicy whitelist = keyed(null, null, items("whitelist", "lang"));
        assertEquals(key(whitelist, request("GET", "/", "", "Cookie", "session=1; lang=fr")),
                key(whitelist, request("GET", "/", "", "Cookie", "lang=fr", "Cookie", "session=2")));
        assertNotEquals(key(whitelist, request("GET", "/", "", "Cookie", "lang=fr")),
                key(whitelist, request("GET", "/", "", "Cookie", "lang=de")));
        assertNotEquals(key(whitelist, request("GET", "/", "", "Cookie", "lang=fr")),
                key(whitelist, request("GET", "/", "", "Cookie", "Lang=fr")));

        CachePolicy allExcept = keyed(null, null, items("allExcept", "session"));
        assertEquals(key(allExcept, request("GET", "/", "", "Cookie", "a=1; session=1")),
                key(allExcept, request("GET", "/", "", "Cookie", "session=2;a=1")));

        CachePolicy all = keyed(null, null, items("all"));
        assertEquals(key(all, request("GET", "/", "", "Cookie", "a=1; b=2")),
                key(all, request("GET", "/", "", "Cookie", "b=2; a=1")));
        assertNotEquals(key(all, request("GET", "/", "", "Cookie", "a=1")),
                key(all, request("GET", "/", "", "Cookie", "a=1; b=2")));
    }
}
