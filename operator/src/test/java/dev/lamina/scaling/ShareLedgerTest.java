package dev.lamina.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ShareLedgerTest {

    private static final ShareKey F = ShareKey.reserved("ns", "f");
    private static final long VALID = TimeUnit.SECONDS.toNanos(5);

    private long now = 1_000_000_000L;
    private final Map<String, ConcurrencyLimits> replicas = new HashMap<>();
    private final Map<String, ConcurrencyLimits.FunctionLimit> functions = new HashMap<>();
    /** Replicas whose answer is lost this round; with {@link #applyLost} they applied the shares nonetheless. */
    private final Set<String> lost = new java.util.HashSet<>();
    private boolean applyLost;

    private ConcurrencyLimits.FunctionLimit replica(String name, int reserved) {
        ConcurrencyLimits limits = ConcurrencyLimits.shared(1000, () -> now);
        replicas.put(name, limits);
        ConcurrencyLimits.FunctionLimit f = limits.account("ns").function("f", reserved);
        functions.put(name, f);
        return f;
    }

    private final ShareExchange exchange = (replica, shares, validNanos) -> {
        ConcurrencyLimits limits = replicas.get(replica);
        if (lost.contains(replica)) {
            if (applyLost && shares != null) {
                limits.grant(shares, validNanos);
            }
            return CompletableFuture.failedFuture(new IllegalStateException("lost"));
        }
        return CompletableFuture.completedFuture(shares == null ? limits.uses() : limits.grant(shares, validNanos));
    };

    private void round(ShareLedger ledger) {
        ledger.round(replicas.keySet(), exchange, TimeUnit.SECONDS.toNanos(1));
    }

    private static List<ConcurrencyLimits.Permit> admit(ConcurrencyLimits.FunctionLimit f, int n) {
        List<ConcurrencyLimits.Permit> permits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (f.tryAdmit() instanceof ConcurrencyLimits.Permit p) {
                permits.add(p);
            }
        }
        return permits;
    }

    private ShareLedger running() {
        return new ShareLedger(VALID);
    }

    @Test
    void idleReplicasSplitTheLimitEvenlyOnceTheirLimitsAreKnown() {
        ConcurrencyLimits.FunctionLimit a = replica("a", 50);
        ConcurrencyLimits.FunctionLimit b = replica("b", 50);
        ShareLedger ledger = running();
        assertThat(a.tryAdmit()).as("nothing before a share").isInstanceOf(ConcurrencyLimits.Throttle.class);
        round(ledger);
        round(ledger);
        int onA = admit(a, 100).size();
        int onB = admit(b, 100).size();
        assertThat(onA + onB).isEqualTo(50);
        assertThat(onB).as("an idle replica has its part of what is left").isEqualTo(24);
    }

    @Test
    void whatAReplicaGivesUpGoesElsewhereOnlyOnceItReportedIt() {
        ConcurrencyLimits.FunctionLimit a = replica("a", 10);
        ConcurrencyLimits.FunctionLimit b = replica("b", 10);
        ShareLedger ledger = running();
        round(ledger);
        round(ledger);
        List<ConcurrencyLimits.Permit> onA = admit(a, 20);
        assertThat(onA).hasSize(5);
        // b wants all it can get: 10 refused; a keeps its 5 running.
        admit(b, 15);
        round(ledger);
        assertThat(admit(b, 10)).as("a still holds its 5").isEmpty();
        onA.forEach(ConcurrencyLimits.Permit::release);
        round(ledger);
        round(ledger);
        round(ledger);
        assertThat(admit(b, 10)).as("b gets what a gave up").isNotEmpty();
        assertThat(replicas.values().stream().flatMap(r -> r.uses().stream()).filter(u -> u.key().equals(F))
                .mapToInt(ShareUse::share).sum())
                .isLessThanOrEqualTo(10);
    }

    @Test
    void aShareSentWithoutAnAnswerCountsAsGranted() {
        replica("a", 10);
        ConcurrencyLimits.FunctionLimit b = replica("b", 10);
        ShareLedger ledger = running();
        round(ledger);
        lost.add("a");
        applyLost = true;
        round(ledger);
        assertThat(admit(functions.get("a"), 10)).hasSize(5);
        admit(b, 20);
        round(ledger);
        assertThat(admit(b, 10)).as("a's unanswered 5 are not granted again").isEmpty();
    }

    @Test
    void aNewControllerGrowsNothingUntilEveryReplicaAnsweredIt() {
        ConcurrencyLimits.FunctionLimit a = replica("a", 10);
        ConcurrencyLimits.FunctionLimit b = replica("b", 10);
        ShareLedger first = running();
        round(first);
        round(first);
        List<ConcurrencyLimits.Permit> onB = admit(b, 5);
        // b is unreachable when a new controller takes over: what it runs is unknown, even once its share lapsed.
        lost.add("b");
        ShareLedger second = running();
        admit(a, 20);
        round(second);
        round(second);
        now += VALID;
        round(second);
        assertThat(admit(a, 10)).as("no growth while b's use is unknown").isEmpty();
        assertThat(b.tryAdmit()).as("b's share lapsed").isInstanceOf(ConcurrencyLimits.Throttle.class);
        lost.clear();
        round(second);
        assertThat(admit(a, 10)).as("b still runs its 5").isEmpty();
        onB.forEach(ConcurrencyLimits.Permit::release);
        round(second);
        round(second);
        round(second);
        assertThat(admit(a, 10)).as("b's 5 ended: a grows").isNotEmpty();
    }

    @Test
    void aShareLapsesWithoutRenewal() {
        ConcurrencyLimits.FunctionLimit a = replica("a", 10);
        ShareLedger ledger = running();
        round(ledger);
        round(ledger);
        now += VALID;
        assertThat(a.tryAdmit()).isEqualTo(new ConcurrencyLimits.Throttle(ConcurrencyLimits.RESERVED_LIMIT_EXCEEDED));
    }

    @Test
    void underDemandTheLimitIsSplitInProportion() {
        assertThat(ShareLedger.split(50, new int[] {500, 500})).containsExactly(25, 25);
        assertThat(ShareLedger.split(50, new int[] {300, 100})).containsExactly(38, 12);
        assertThat(ShareLedger.split(50, new int[] {10, 0})).containsExactly(30, 20);
        assertThat(ShareLedger.split(7, new int[] {0, 0, 0})).containsExactly(3, 2, 2);
    }

    @Test
    void theUnreservedPoolIsSharedAsAReservationIs() {
        ConcurrencyLimits a = ConcurrencyLimits.shared(10, () -> now);
        ConcurrencyLimits b = ConcurrencyLimits.shared(10, () -> now);
        replicas.put("a", a);
        replicas.put("b", b);
        ConcurrencyLimits.FunctionLimit onA = a.account("ns").function("g", null);
        ConcurrencyLimits.FunctionLimit onB = b.account("ns").function("h", null);
        ShareLedger ledger = running();
        round(ledger);
        round(ledger);
        assertThat(admit(onA, 10).size() + admit(onB, 10).size()).isEqualTo(10);
        assertThat(onA.tryAdmit()).isEqualTo(new ConcurrencyLimits.Throttle(ConcurrencyLimits.ACCOUNT_LIMIT_EXCEEDED));
    }

    /** Random demand, answers lost (applied or not) and a controller replaced now and then: never over the limit. */
    @Test
    void replicasTogetherNeverRunMoreThanTheLimit() {
        int limit = 20;
        for (String name : List.of("a", "b", "c")) {
            replica(name, limit);
        }
        Random random = new Random(14);
        Map<String, List<ConcurrencyLimits.Permit>> running = new HashMap<>();
        ShareLedger ledger = running();
        int most = 0;
        for (int step = 0; step < 2_000; step++) {
            for (String name : replicas.keySet()) {
                List<ConcurrencyLimits.Permit> permits = running.computeIfAbsent(name, n -> new ArrayList<>());
                permits.addAll(admit(functions.get(name), random.nextInt(6)));
                for (int i = random.nextInt(permits.size() + 1); i > 0; i--) {
                    permits.remove(random.nextInt(permits.size())).release();
                }
            }
            int inFlight = functions.values().stream().mapToInt(ConcurrencyLimits.FunctionLimit::inFlight).sum();
            assertThat(inFlight).as("in flight at step %d", step).isLessThanOrEqualTo(limit);
            most = Math.max(most, inFlight);
            lost.clear();
            for (String name : replicas.keySet()) {
                if (random.nextInt(5) == 0) {
                    lost.add(name);
                }
            }
            applyLost = random.nextBoolean();
            if (random.nextInt(200) == 0) {
                ledger = running();
            }
            now += TimeUnit.MILLISECONDS.toNanos(250);
            round(ledger);
        }
        assertThat(most).as("the limit is used").isGreaterThan(limit / 2);
    }
}
