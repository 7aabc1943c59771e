package dev.lamina.async;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps asynchronous attempts within each function's reserved concurrency, so that a backlog drains at the
 * function's capacity instead of being throttled and pushed back: the delivery loop claims no more of a function's
 * events than it has room for, and an attempt holds its room until it ends. Throttles then come only from
 * synchronous calls competing for the same concurrency. Functions without a reservation are bounded by the loop's
 * delivery slots alone.
 */
final class Pacing {

    private final AsyncFunctions functions;
    /** Reserved concurrency (> 0) of the functions seen, by {@link FunctionRef#unqualified()}. */
    private final Map<String, Integer> reserved = new HashMap<>();
    /** Attempts in flight per function. */
    private final Map<String, Integer> attempts = new HashMap<>();

    Pacing(AsyncFunctions functions) {
        this.functions = functions;
    }

    /** How many more attempts each function with a reservation may start: the store's claim limits. */
    synchronized Map<String, Integer> room() {
        Map<String, Integer> room = new HashMap<>(reserved.size());
        reserved.forEach((function, limit) -> room.put(function, Math.max(0, limit - attempts.getOrDefault(function, 0))));
        return room;
    }

    /** The functions with no room left. */
    synchronized Set<String> full() {
        return reserved.entrySet().stream().filter(e -> attempts.getOrDefault(e.getKey(), 0) >= e.getValue())
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * Takes room for the event's attempt; false when its function has none left. Only attempts to invoke take room;
     * a function with reservation 0 never gets an attempt (its events go straight to failure handling).
     */
    boolean enter(AsyncEvent event) {
        if (!(event.phase() instanceof AsyncEvent.Invoking)) {
            return true;
        }
        Integer limit = functions.find(event.function()).map(AsyncFunction::reservedConcurrency).orElse(null);
        String function = event.function().unqualified();
        synchronized (this) {
            if (limit == null || limit == 0) {
                reserved.remove(function);
            } else {
                reserved.put(function, limit);
                if (attempts.getOrDefault(function, 0) >= limit) {
                    return false;
                }
            }
            attempts.merge(function, 1, Integer::sum);
            return true;
        }
    }

    /** Gives back the room an event's attempt took in {@link #enter}. */
    synchronized void leave(AsyncEvent event) {
        if (event.phase() instanceof AsyncEvent.Invoking) {
            attempts.computeIfPresent(event.function().unqualified(), (function, n) -> n > 1 ? n - 1 : null);
        }
    }
}
