package dev.lamina.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConcurrencyLimitsTest {

    private final ConcurrencyLimits limits = new ConcurrencyLimits(10);

    @Test
    void reservedConcurrencyAdmitsThatManyAtOnce() {
        ConcurrencyLimits.FunctionLimit f = limits.account("ns").function("f", 3);
        List<ConcurrencyLimits.Permit> permits = admitAll(f, 5);
        assertThat(permits).hasSize(3);
        assertThat(f.tryAdmit()).isEqualTo(
                new ConcurrencyLimits.Throttle(ConcurrencyLimits.RESERVED_LIMIT_EXCEEDED));
        permits.getFirst().release();
        permits.getFirst().release();
        assertThat(f.inFlight()).isEqualTo(2);
        assertThat(f.tryAdmit()).isInstanceOf(ConcurrencyLimits.Permit.class);
        assertThat(f.tryAdmit()).isInstanceOf(ConcurrencyLimits.Throttle.class);
    }

    @Test
    void reservedZeroThrottlesEverything() {
        ConcurrencyLimits.FunctionLimit f = limits.account("ns").function("off", 0);
        assertThat(f.tryAdmit()).isEqualTo(
                new ConcurrencyLimits.Throttle(ConcurrencyLimits.RESERVED_LIMIT_EXCEEDED));
    }

    @Test
    void functionsWithoutReservationShareWhatTheAccountLimitLeaves() {
        ConcurrencyLimits.Account account = limits.account("ns");
        account.function("reserved", 4);
        ConcurrencyLimits.FunctionLimit a = account.function("a", null);
        ConcurrencyLimits.FunctionLimit b = account.function("b", null);
        assertThat(account.unreservedLimit()).isEqualTo(6);
        List<ConcurrencyLimits.Permit> fromA = admitAll(a, 4);
        List<ConcurrencyLimits.Permit> fromB = admitAll(b, 4);
        assertThat(fromA.size() + fromB.size()).isEqualTo(6);
        assertThat(b.tryAdmit()).isEqualTo(new ConcurrencyLimits.Throttle(ConcurrencyLimits.ACCOUNT_LIMIT_EXCEEDED));
        fromA.forEach(ConcurrencyLimits.Permit::release);
        assertThat(b.tryAdmit()).isInstanceOf(ConcurrencyLimits.Permit.class);
    }

    @Test
    void namespacesAreSeparateAccounts() {
        admitAll(limits.account("one").function("f", null), 10);
        assertThat(limits.account("two").function("f", null).tryAdmit()).isInstanceOf(ConcurrencyLimits.Permit.class);
    }

    @Test
    void changingAReservationKeepsInvocationsInFlightAndMovesTheSharedLimit() {
        ConcurrencyLimits.Account account = limits.account("ns");
        ConcurrencyLimits.FunctionLimit f = account.function("f", null);
        List<ConcurrencyLimits.Permit> before = admitAll(f, 2);
        f.reserve("f", 5);
        assertThat(account.unreservedLimit()).isEqualTo(5);
        assertThat(admitAll(f, 10)).hasSize(3);
        before.forEach(ConcurrencyLimits.Permit::release);
        f.remove();
        assertThat(account.unreservedLimit()).isEqualTo(10);
    }

    @Test
    void aSharedLimitAdmitsOnlyItsShareAndReportsWhatItRanAndRefused() {
        long[] now = {0};
        ConcurrencyLimits shared = ConcurrencyLimits.shared(10, () -> now[0]);
        ConcurrencyLimits.FunctionLimit f = shared.account("ns").function("f", 8);
        ShareKey key = ShareKey.reserved("ns", "f");
        assertThat(f.tryAdmit()).as("nothing before a share").isInstanceOf(ConcurrencyLimits.Throttle.class);

        shared.grant(Map.of(key, 5), 1_000);
        List<ConcurrencyLimits.Permit> permits = admitAll(f, 7);
        assertThat(permits).hasSize(5);
        assertThat(shared.uses()).contains(new ShareUse(key, 8, 5, 5, 5 + 2));

        assertThat(shared.grant(Map.of(key, 2), 1_000)).as("a smaller share keeps what runs")
                .contains(new ShareUse(key, 8, 2, 5, 5));
        permits.subList(0, 2).forEach(ConcurrencyLimits.Permit::release);
        assertThat(f.tryAdmit()).as("3 still run, over the share of 2").isInstanceOf(ConcurrencyLimits.Throttle.class);

        now[0] = 1_000;
        permits.forEach(ConcurrencyLimits.Permit::release);
        assertThat(f.tryAdmit()).as("the share lapsed").isInstanceOf(ConcurrencyLimits.Throttle.class);
        assertThat(limits.shared()).as("one gateway counts whole").isFalse();
    }

    private static List<ConcurrencyLimits.Permit> admitAll(ConcurrencyLimits.FunctionLimit f, int attempts) {
        List<ConcurrencyLimits.Permit> permits = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            if (f.tryAdmit() instanceof ConcurrencyLimits.Permit p) {
                permits.add(p);
            }
        }
        return permits;
    }
}
