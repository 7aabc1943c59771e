package dev.lamina.edge;

import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.CachePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How long the edge keeps an origin's answer, by CloudFront's rules. {@link Duration#ZERO} means it is not stored.
 *
 * <ul>
 *   <li>Only answers to the behaviour's {@code cachedMethods}.</li>
 *   <li>2xx and 3xx answers (but 206, a part of an object, and 304, a revalidation): Cache-Control {@code no-cache},
 *       {@code no-store} or {@code private} keep them {@code minTTL}; else {@code s-maxage}, then {@code max-age},
 *       then {@code Expires} (an unparseable date is in the past), each clamped to [minTTL, maxTTL]; else
 *       {@code defaultTTL}.</li>
 *   <li>Errors are cached for the error caching minimum TTL (10 s) or the answer's {@code s-maxage}/{@code max-age}
 *       when longer: 404, 414 and 500 to 504 always (even under a policy whose TTLs are all 0, as CloudFront), 400,
 *       403, 405, 412 and 415 only when the answer has one of those directives.</li>
 *   <li>Any other status is not cached.</li>
 * </ul>
 */
public final class CacheTtl {

    /** CloudFront's default error caching minimum TTL. */
    public static final Duration ERROR_CACHING_MIN_TTL = Duration.ofSeconds(10);

    private static final Set<Integer> ALWAYS_CACHED_ERRORS = Set.of(404, 414, 500, 501, 502, 503, 504);
    private static final Set<Integer> ERRORS_CACHED_WITH_MAX_AGE = Set.of(400, 403, 405, 412, 415);

    private CacheTtl() {
    }

    /** How long to keep {@code response}, the origin's answer to a {@code method} request, as of {@code now}. */
    public static Duration of(CacheBehavior behavior, String method, EdgeResponse response, Instant now) {
        if (!behavior.cachedMethods().contains(method)) {
            return Duration.ZERO;
        }
        int status = response.status();
        CacheControl control = CacheControl.of(response.headers());
        if (status >= 200 && status < 400 && status != 206 && status != 304) {
            return Duration.ofSeconds(successSeconds(behavior.cachePolicy(), control, response.headers(), now));
        }
        boolean withMaxAge = control.edgeMaxAge().isPresent();
        if (ALWAYS_CACHED_ERRORS.contains(status) || withMaxAge && ERRORS_CACHED_WITH_MAX_AGE.contains(status)) {
            long seconds = Math.max(ERROR_CACHING_MIN_TTL.toSeconds(), control.edgeMaxAge().orElse(0));
            return Duration.ofSeconds(seconds);
        }
        return Duration.ZERO;
    }

    private static long successSeconds(CachePolicy policy, CacheControl control, EdgeHeaders headers, Instant now) {
        if (control.forbidsStoring()) {
            return policy.minTTL();
        }
        OptionalLong maxAge = control.edgeMaxAge();
        if (maxAge.isPresent()) {
            return clamp(maxAge.getAsLong(), policy);
        }
        String expires = headers.first("expires");
        if (expires != null) {
            return clamp(secondsUntil(expires, now), policy);
        }
        return policy.defaultTTL();
    }

    private static long secondsUntil(String httpDate, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(httpDate.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, Duration.between(now, at).toSeconds());
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static long clamp(long seconds, CachePolicy policy) {
        return Math.min(Math.max(seconds, policy.minTTL()), policy.maxTTL());
    }
}
