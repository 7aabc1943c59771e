package dev.lamina.cluster;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Answers kept for a short time, at most {@code maxEntries} of them: one call asks, callers within {@code ttl} share
 * its answer (even while it is on its way). A failed answer is not kept.
 */
final class ExpiringCache<K, V> {

    private record Entry<V>(CompletableFuture<V> value, long expiresAt) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    ExpiringCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The kept answer for {@code key}, or the one {@code ask} starts (and is kept). */
    CompletableFuture<V> get(K key, Supplier<CompletableFuture<V>> ask) {
        long now = nanoTime.getAsLong();
        Entry<V> kept = entries.get(key);
        if (usable(kept, now)) {
            return kept.value();
        }
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        Entry<V> entry = entries.compute(key, (k, old) -> usable(old, now) ? old
                : new Entry<>(ask.get(), now + ttlNanos));
        entry.value().whenComplete((value, failure) -> {
            if (failure != null) {
                entries.remove(key, entry);
            }
        });
        return entry.value();
    }

    /** Fresh, and not failed (a failed answer may not have been removed yet). */
    private static boolean usable(Entry<?> entry, long now) {
        return entry != null && now - entry.expiresAt() < 0 && !entry.value().isCompletedExceptionally();
    }

    /** Drops expired answers; when all are still fresh, drops some anyway (the bound wins over freshness). */
    private void makeRoom(long now) {
        entries.values().removeIf(e -> now - e.expiresAt() >= 0);
        Iterator<K> keys = entries.keySet().iterator();
        while (entries.size() >= maxEntries && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
