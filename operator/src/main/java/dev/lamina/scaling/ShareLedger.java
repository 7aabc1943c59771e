package dev.lamina.scaling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The controller's account of the shares of every shared concurrency limit (see {@link ConcurrencyLimits#shared}):
 * which replica may run how many invocations of it. Rounds go: {@link #plan} the shares of every replica, send each
 * its own, then {@link #reported} (the replica applied them and said what it runs) or {@link #unanswered}.
 *
 * <p>The rule that keeps a limit exact: for every replica the ledger keeps a bound on what it may run, the larger of
 * its share in force and its invocations in flight, as last reported, or the larger of that and a share sent
 * without an answer. Shares only grow out of what the limit leaves after every bound, so the bounds never add up to
 * more than the limit; a share shrinks at once, and what it gave up is granted elsewhere once the replica reported
 * it in force. A new controller knows none of the shares its predecessor granted, nor what they let run: until every
 * replica answered it once, it grows nothing and asks replicas it has not heard from only for their report. (A
 * replica whose share lapsed admits nothing more, but what it admitted may still run, so waiting out the validity
 * would not do.)
 *
 * <p>Shares follow demand: each replica wants what it ran plus what it refused since its last report; when the
 * limit covers all wants, what is left is split evenly (so an idle replica can take a first call at once), else the
 * limit is split in proportion to the wants. Not thread-safe: one loop drives it.
 */
public final class ShareLedger {

    private final long validNanos;
    /** The last report of each replica, by limit. */
    private final Map<String, Map<ShareKey, ShareUse>> reports = new HashMap<>();
    /** What each replica may run at most, by limit. */
    private final Map<String, Map<ShareKey, Integer>> bounds = new HashMap<>();

    /**
     * @param validNanos how long a granted share stays in force without renewal
     */
    public ShareLedger(long validNanos) {
        this.validNanos = validNanos;
    }

    /**
     * One whole round: plans, sends every replica its shares at once, and takes in what each answered within
     * {@code answerWithinNanos}. Blocks the calling thread meanwhile.
     */
    public void round(Set<String> replicas, ShareExchange exchange, long answerWithinNanos) {
        Map<String, Map<ShareKey, Integer>> plan = plan(replicas);
        Map<String, CompletableFuture<List<ShareUse>>> answers = new HashMap<>();
        plan.forEach((replica, shares) -> answers.put(replica,
                exchange.exchange(replica, shares, validNanos).toCompletableFuture()));
        long deadline = System.nanoTime() + answerWithinNanos;
        answers.forEach((replica, answer) -> {
            try {
                reported(replica, answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unanswered(replica, plan.get(replica));
            } catch (Exception failed) {
                unanswered(replica, plan.get(replica));
            }
        });
    }

    /**
     * The shares to send to each of {@code replicas} now: a replica mapped to null is only asked for its report.
     * Replicas not named are forgotten (their pods are gone).
     */
    public Map<String, Map<ShareKey, Integer>> plan(Set<String> replicas) {
        reports.keySet().retainAll(replicas);
        bounds.keySet().retainAll(replicas);
        boolean mayGrow = reports.keySet().containsAll(replicas);
        List<String> order = new ArrayList<>(new TreeSet<>(replicas));
        Map<String, Map<ShareKey, Integer>> plan = new HashMap<>();
        for (String replica : order) {
            plan.put(replica, mayGrow || reports.containsKey(replica) ? new HashMap<>() : null);
        }
        limits().forEach((key, limit) -> {
            int[] wants = new int[order.size()];
            for (int i = 0; i < wants.length; i++) {
                ShareUse use = use(order.get(i), key);
                wants[i] = use == null ? 0 : use.wanted();
            }
            int[] desired = split(limit, wants);
            int room = limit;
            for (String replica : order) {
                room -= bound(replica, key);
            }
            for (int i = 0; i < desired.length; i++) {
                Map<ShareKey, Integer> shares = plan.get(order.get(i));
                if (shares == null) {
                    continue;
                }
                int bound = bound(order.get(i), key);
                int share = desired[i];
                if (!mayGrow) {
                    ShareUse use = use(order.get(i), key);
                    share = Math.min(share, use == null ? 0 : use.share());
                } else if (share > bound) {
                    int grown = Math.min(share - bound, Math.max(0, room));
                    room -= grown;
                    share = bound + grown;
                }
                shares.put(key, share);
            }
        });
        return plan;
    }

    /** A replica applied what it was sent (or, sent null, only reported): {@code uses} is what it runs now. */
    public void reported(String replica, List<ShareUse> uses) {
        Map<ShareKey, ShareUse> byKey = new HashMap<>();
        Map<ShareKey, Integer> bound = new HashMap<>();
        for (ShareUse use : uses) {
            byKey.put(use.key(), use);
            bound.put(use.key(), Math.max(use.share(), use.inFlight()));
        }
        reports.put(replica, byKey);
        bounds.put(replica, bound);
    }

    /** A replica did not answer: it may have applied what it was sent, or not. */
    public void unanswered(String replica, Map<ShareKey, Integer> sent) {
        if (sent != null) {
            Map<ShareKey, Integer> bound = bounds.computeIfAbsent(replica, r -> new HashMap<>());
            sent.forEach((key, share) -> bound.merge(key, share, Math::max));
        }
    }

    /** Each limit as the strictest replica sees it (a change reaches replicas one after another). */
    private Map<ShareKey, Integer> limits() {
        Map<ShareKey, Integer> limits = new HashMap<>();
        reports.values().forEach(byKey -> byKey.values().forEach(
                use -> limits.merge(use.key(), use.limit(), Math::min)));
        return limits;
    }

    private ShareUse use(String replica, ShareKey key) {
        Map<ShareKey, ShareUse> byKey = reports.get(replica);
        return byKey == null ? null : byKey.get(key);
    }

    private int bound(String replica, ShareKey key) {
        Map<ShareKey, Integer> bound = bounds.get(replica);
        return bound == null ? 0 : bound.getOrDefault(key, 0);
    }

    /** Wants when the limit covers them, the rest evenly; else the limit in proportion to the wants. */
    static int[] split(int limit, int[] wants) {
        int n = wants.length;
        int[] shares = new int[n];
        if (n == 0) {
            return shares;
        }
        long total = 0;
        for (int w : wants) {
            total += w;
        }
        int given = 0;
        if (total <= limit) {
            int each = (int) ((limit - total) / n);
            for (int i = 0; i < n; i++) {
                shares[i] = wants[i] + each;
                given += shares[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                shares[i] = (int) (limit * (long) wants[i] / total);
                given += shares[i];
            }
        }
        for (int i = 0; given < limit; i = (i + 1) % n) {
            if (total <= limit || wants[i] > shares[i]) {
                shares[i]++;
                given++;
            }
        }
        return shares;
    }
}
