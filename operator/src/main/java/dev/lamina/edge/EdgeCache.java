package dev.lamina.edge;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The edge's cache of origin answers, in memory, bounded by bytes (body, headers and key, roughly), least recently
 * used out first. An answer larger than {@code maxObjectFraction} of the bound is not kept. Thread-safe; every
 * operation holds one lock for a map update and nothing more, so event loops may call it.
 *
 * <p>GET and HEAD share entries (their keys are equal): an answer stored for HEAD has no body, so it serves HEAD
 * requests only and never replaces a live answer stored for GET.
 */
public final class EdgeCache {

    /** A cached answer and its age, the seconds since it was stored (CloudFront's {@code Age} header). */
    public record Hit(EdgeResponse response, long ageSeconds) {
    }

    /** Counters for metrics; {@code bytes} and {@code entries} are what the cache holds now. */
    public record Stats(long hits, long misses, long evictions, long bytes, long entries) {
    }

    private record Entry(EdgeResponse response, boolean headOnly, Instant stored, Instant expires, long weight) {
    }

    private static final long ENTRY_OVERHEAD = 128;

    private final long maxBytes;
    private final long maxObjectBytes;
    private final LinkedHashMap<CacheKey, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private long bytes;

    /**
     * @param maxBytes          the most the cache holds
     * @param maxObjectFraction the largest share of {@code maxBytes} one answer may take, in (0, 1]
     */
    public EdgeCache(long maxBytes, double maxObjectFraction) {
        if (maxBytes <= 0 || maxObjectFraction <= 0 || maxObjectFraction > 1) {
            throw new IllegalArgumentException("need maxBytes > 0 and 0 < maxObjectFraction <= 1");
        }
        this.maxBytes = maxBytes;
        this.maxObjectBytes = (long) (maxBytes * maxObjectFraction);
    }

    /** The live answer for a {@code method} request with {@code key}, or empty (a miss). */
    public Optional<Hit> get(CacheKey key, String method, Instant now) {
        Entry entry;
        synchronized (this) {
            entry = entries.get(key);
            if (entry != null && !now.isBefore(entry.expires())) {
                remove(key);
                entry = null;
            }
        }
        if (entry == null || entry.headOnly() && !method.equals("HEAD")) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(new Hit(entry.response(), Math.max(0, Duration.between(entry.stored(), now).toSeconds())));
    }

    /**
     * Keeps {@code response}, the answer to a {@code method} request, for {@code ttl} from {@code now}, evicting the
     * least recently used answers to make room. Returns whether it was kept: not when the TTL is zero or the answer
     * too large, nor a HEAD answer over a live GET one.
     */
    public boolean put(CacheKey key, String method, EdgeResponse response, Duration ttl, Instant now) {
        long weight = weight(key, response);
        if (ttl.isZero() || ttl.isNegative() || weight > maxObjectBytes) {
            return false;
        }
        boolean headOnly = method.equals("HEAD");
        Entry entry = new Entry(response, headOnly, now, now.plus(ttl), weight);
        synchronized (this) {
            Entry present = entries.get(key);
            if (headOnly && present != null && !present.headOnly() && now.isBefore(present.expires())) {
                return false;
            }
            if (present != null) {
                remove(key);
            }
            entries.put(key, entry);
            bytes += weight;
            Iterator<Map.Entry<CacheKey, Entry>> eldest = entries.entrySet().iterator();
            while (bytes > maxBytes) {
                bytes -= eldest.next().getValue().weight();
                eldest.remove();
                evictions.increment();
            }
        }
        return true;
    }

    /** Drops every answer of a distribution (its spec changed). Runs through all entries once. */
    public synchronized void invalidate(String distributionId) {
        Iterator<Map.Entry<CacheKey, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<CacheKey, Entry> e = it.next();
            if (e.getKey().distributionId().equals(distributionId)) {
                bytes -= e.getValue().weight();
                it.remove();
            }
        }
    }

    public Stats stats() {
        long held;
        long count;
        synchronized (this) {
            held = bytes;
            count = entries.size();
        }
        return new Stats(hits.sum(), misses.sum(), evictions.sum(), held, count);
    }

    private void remove(CacheKey key) {
        bytes -= entries.remove(key).weight();
    }

    private static long weight(CacheKey key, EdgeResponse response) {
        long headers = 0;
        for (var line : response.headers().lines()) {
            headers += 2L * (line.name().length() + line.value().length());
        }
        return ENTRY_OVERHEAD + key.weight() + headers + response.body().length;
    }
}
