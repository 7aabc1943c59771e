package dev.lamina.async;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The durable queue of asynchronous events: append, hand out what is due, reschedule, forget. Two engines:
 * {@link SqliteEventStore}, embedded in one process, and {@link NatsEventStore}, a JetStream stream that every gateway
 * replica shares.
 *
 * <p>An event handed out by {@link #claimDue} is not handed out again until it is {@linkplain #update updated}; if
 * the process dies first, it is handed out again (after a restart, or to another replica). That, and removing events
 * only once their outcome was sent, makes delivery at-least-once.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Stores a new event. The future completes only once the event is durable (on disk after an fsync, or confirmed
     * by the replicated stream), so 202 may be answered.
     */
    CompletableFuture<Void> add(AsyncEvent event);

    /** Hands out up to {@code max} events due at {@code now}, earliest first. Blocks while the store works. */
    default List<AsyncEvent> claimDue(Instant now, int max) {
        return claimDue(now, max, Map.of());
    }

    /**
     * Hands out up to {@code max} events due at {@code now}, earliest first, but no more than {@code room} gives for
     * a function it names (by {@link FunctionRef#unqualified()}; 0: none of its events). Blocks while the store works;
     * a store shared with other processes also waits here, briefly, for an event to arrive.
     */
    List<AsyncEvent> claimDue(Instant now, int max, Map<String, Integer> room);

    /** Stores the event's new state and due time and makes it available again. */
    CompletableFuture<Void> update(AsyncEvent event);

    /** Forgets an event whose processing is complete. */
    CompletableFuture<Void> remove(String requestId);

    /** The earliest due time of the events not handed out, if there are any. */
    default Optional<Instant> nextDue() {
        return nextDue(Set.of());
    }

    /**
     * The earliest due time of the events not handed out, leaving out the functions named in {@code skipped}. A store
     * that cannot tell (events arrive from other processes) answers a time already past: look again now.
     */
    Optional<Instant> nextDue(Set<String> skipped);

    /** Finishes pending writes and releases the storage. */
    @Override
    void close();
}
