package dev.lamina.edge;

import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.CachePolicy;
import dev.lamina.api.DistributionSpec.KeyItems;
import dev.lamina.urls.HttpHeader;
import java.util.ArrayList;
import java.util.List;

/** Requests and behaviours for the edge tests. */
final class EdgeFixtures {

    private EdgeFixtures() {
    }

    /** A viewer request; {@code headers} alternate name and value. */
    static EdgeRequest request(String method, String uri, String querystring, String... headers) {
        List<HttpHeader> lines = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            lines.add(new HttpHeader(headers[i], headers[i + 1]));
        }
        return new EdgeRequest("203.0.113.9", method, uri, querystring, EdgeHeaders.of(lines), null, null, null);
    }

    static KeyItems items(String behavior, String... names) {
        return new KeyItems(behavior, names.length == 0 ? null : List.of(names));
    }

    static CachePolicy policy(long min, long def, long max) {
        return new CachePolicy(min, def, max, null, null, null);
    }

    static CacheBehavior behavior(String pattern, CachePolicy policy, String originRequestPolicy) {
        return new CacheBehavior(pattern, "origin", null, null, policy, originRequestPolicy, null);
    }
}
