package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.deployments.Outcomes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The counters a replica keeps per executed version, and the report it serves on /lamina/v1/outcomes. */
@Timeout(30)
class OutcomeCountersTest {

    private final OutcomeCounters counters = new OutcomeCounters();

    @Test
    void countsEachKindOfOutcomePerVersionWithDurationsInBuckets() {
        OutcomeCounters.VersionCounters one = counters.version("default", "orders", "1");
        one.answered(millis(3), false, false);
        one.answered(millis(150), true, false);
        one.answered(millis(40_000), false, true);
        one.throttled();
        counters.version("default", "orders", "2").answered(millis(1), false, false);

        Outcomes outcomes = counters.of("default", "orders", "1");
        assertThat(outcomes.invocations()).isEqualTo(3);
        assertThat(outcomes.functionErrors()).isEqualTo(1);
        assertThat(outcomes.platformErrors()).isEqualTo(1);
        assertThat(outcomes.throttles()).isEqualTo(1);
        long[] expected = new long[Outcomes.BUCKET_BOUNDS_MILLIS.length + 1];
        expected[Outcomes.bucket(3)]++;
        expected[Outcomes.bucket(150)]++;
        expected[Outcomes.bucket(40_000)]++;
        assertThat(outcomes.durationBuckets()).containsExactly(expected);

        assertThat(counters.of("default", "orders", "2").invocations()).isEqualTo(1);
        assertThat(counters.of("default", "orders", "3")).isEqualTo(Outcomes.NONE);
        assertThat(counters.version("default", "orders", "1")).isSameAs(one);
    }

    @Test
    void asAnOutcomeSourceItIsOneReplicaUnderItsInstanceId() {
        counters.version("team-a", "orders", "$LATEST").answered(millis(2), false, false);
        Map<String, Outcomes> replicas = counters.outcomes("team-a", "orders", "$LATEST");
        assertThat(replicas).containsOnlyKeys(counters.instanceId());
        assertThat(replicas.get(counters.instanceId()).invocations()).isEqualTo(1);
        assertThat(new OutcomeCounters().instanceId()).isNotEqualTo(counters.instanceId());
    }

    @Test
    void theReportIsFilteredAndReadBackAsWritten() {
        counters.version("default", "orders", "1").answered(millis(2), true, false);
        counters.version("default", "orders", "2").throttled();
        counters.version("default", "billing", "1").answered(millis(9), false, false);
        counters.version("team-a", "orders", "1").answered(millis(9), false, false);

        assertThat(counters.report(null, null, null).versions()).extracting(v -> v.namespace() + "/"
                + v.function() + ":" + v.version())
                .containsExactly("default/billing:1", "default/orders:1", "default/orders:2", "team-a/orders:1");
        OutcomeReport orders = counters.report("default", "orders", null);
        assertThat(orders.versions()).extracting(OutcomeReport.VersionOutcomes::version).containsExactly("1", "2");

        OutcomeReport read = OutcomeReport.fromJson(orders.toJson());
        assertThat(read.instance()).isEqualTo(counters.instanceId());
        assertThat(read).isEqualTo(orders);
        assertThat(orders.toJson()).contains("\"instance\":\"" + counters.instanceId() + "\"")
                .contains("\"functionErrors\":1").contains("\"throttles\":1").contains("\"durationBuckets\":[");
    }

    @Test
    void aBodyThatIsNoReportIsRefused() {
        assertThatThrownBy(() -> OutcomeReport.fromJson("<html>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutcomeReport.fromJson("{\"versions\":[]}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyFailuresOfLaminaAreThePlatformsFault() {
        assertThat(ServiceError.service("no environment answered").platformFault()).isTrue();
        assertThat(ServiceError.invalidContent("not JSON").platformFault()).isFalse();
        assertThat(ServiceError.invalidParameter("bad qualifier").platformFault()).isFalse();
        assertThat(ServiceError.tooLarge("too big").platformFault()).isFalse();
    }

    private static long millis(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
