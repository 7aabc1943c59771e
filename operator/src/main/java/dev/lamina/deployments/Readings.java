package dev.lamina.deployments;

import dev.lamina.api.AliasStatus.DeploymentCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One deployment's count of its target version, reading after reading of every gateway replica's cumulative
 * {@link Outcomes}. Each replica counts from its first reading (replicas first seen later started during the
 * deployment, so they count from zero); a replica no longer answering keeps what it had counted. Counts carried in
 * the status (after a controller failover) are added, so the deployment goes on where it was. Not thread-safe: one
 * evaluator reads at a time.
 */
public final class Readings {

    private record Sample(Instant at, Outcomes seen) {
    }

    private final Outcomes carried;
    /** The span judged; null: since the deployment began. */
    private final Duration window;
    private final Map<String, Outcomes> baseline = new HashMap<>();
    private final Map<String, Outcomes> latest = new HashMap<>();
    private final Deque<Sample> samples = new ArrayDeque<>();
    private boolean first = true;

    public Readings(DeploymentCounts carried, Duration window) {
        this.window = window;
        this.carried = carried == null ? Outcomes.NONE : new Outcomes(nonNull(carried.invocations()),
                nonNull(carried.functionErrors()), nonNull(carried.platformErrors()), nonNull(carried.throttles()),
                Outcomes.NONE.durationBuckets());
    }

    /** Takes one reading of the replicas that answered. */
    public void read(Map<String, Outcomes> replicas, Instant now) {
        replicas.forEach((replica, outcomes) -> {
            if (first) {
                baseline.put(replica, outcomes);
            } else {
                baseline.putIfAbsent(replica, Outcomes.NONE);
            }
            latest.put(replica, outcomes);
        });
        first = false;
        if (window == null) {
            return;
        }
        samples.addLast(new Sample(now, seen()));
        // Keep the newest sample from before the window's start, and the ones after it.
        Instant start = now.minus(window);
        while (samples.size() > 1) {
            Iterator<Sample> oldest = samples.iterator();
            oldest.next();
            if (oldest.next().at().isAfter(start)) {
                break;
            }
            samples.removeFirst();
        }
    }

    /** Everything counted since the deployment began. */
    public Outcomes seen() {
        Outcomes total = carried;
        for (Map.Entry<String, Outcomes> e : latest.entrySet()) {
            total = total.plus(e.getValue().since(baseline.get(e.getKey())));
        }
        return total;
    }

    /** What was counted over the window (or since the deployment began), to a reading's precision. */
    public Outcomes window(Instant now) {
        Outcomes seen = seen();
        Sample before = samples.peekFirst();
        return window == null || before == null || before.at().isAfter(now.minus(window)) ? seen
                : seen.since(before.seen());
    }

    private static long nonNull(Long value) {
        return value == null ? 0 : value;
    }
}
