package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What kubectl and kstatus-aware tools read in a resource's conditions. */
class StatusConditionsTest {
    private static final String EARLIER = "2025-01-31T08:00:00Z";

    @Test
    void eachOutcomeMakesExactlyOneOfReadyStalledAndReconcilingTrueAtTheResourcesGeneration() {
        StatusConditions none = new StatusConditions(List.of(), 4);

        assertThat(trueOnes(none.ready("Deployed", "up"))).containsExactly(Condition.READY);
        assertThat(trueOnes(none.stalled("SecretNotFound", "no secret"))).containsExactly(Condition.STALLED);
        assertThat(trueOnes(none.reconciling("RollingOut", "rolling"))).containsExactly(Condition.RECONCILING);
        assertThat(none.ready("Deployed", "up")).extracting(Condition::type)
                .containsExactly(Condition.READY, Condition.STALLED, Condition.RECONCILING);
        assertThat(none.ready("Deployed", "up")).allSatisfy(c -> {
            assertThat(c.observedGeneration()).isEqualTo(4);
            assertThat(c.reason()).isEqualTo("Deployed");
            assertThat(c.message()).isEqualTo("up");
        });
    }

    @Test
    void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
        List<Condition> ready = List.of(
                new Condition(Condition.READY, "True", "Deployed", "up", EARLIER, 1L),
                new Condition(Condition.STALLED, "False", "Deployed", "up", EARLIER, 1L),
                new Condition(Condition.RECONCILING, "False", "Deployed", "up", EARLIER, 1L));

        List<Condition> stillReady = new StatusConditions(ready, 2).ready("Deployed", "up again");
        assertThat(stillReady).extracting(Condition::lastTransitionTime).containsOnly(EARLIER);

        List<Condition> rolling = new StatusConditions(ready, 2).reconciling("RollingOut", "rolling");
        assertThat(find(rolling, Condition.STALLED).lastTransitionTime()).isEqualTo(EARLIER);
        assertThat(find(rolling, Condition.READY).lastTransitionTime()).isNotEqualTo(EARLIER);
        assertThat(find(rolling, Condition.RECONCILING).lastTransitionTime()).isNotEqualTo(EARLIER);
    }

    @Test
    void conditionsOfOtherTypesAreKept() {
        Condition own = new Condition("Published", "True", "Published", "version 3", EARLIER, 1L);

        assertThat(new StatusConditions(List.of(own), 2).stalled("RolloutStalled", "stuck")).contains(own);
    }

    @Test
    void problemsStallWithTheFirstReasonAndEveryMessageAndAreKnownAfterwards() {
        Problem secret = new Problem("SecretNotFound", "Secret db does not exist");
        Problem account = new Problem("ServiceAccountNotFound", "ServiceAccount role does not exist");

        List<Condition> stalled = new StatusConditions(List.of(), 1).stalled(List.of(secret, account));

        Condition condition = find(stalled, Condition.STALLED);
        assertThat(condition.reason()).isEqualTo("SecretNotFound");
        assertThat(condition.message()).isEqualTo("Secret db does not exist; ServiceAccount role does not exist");
        StatusConditions after = new StatusConditions(stalled, 1);
        assertThat(after.tellsOf(secret)).isTrue();
        assertThat(after.tellsOf(new Problem("ConfigMapNotFound", "ConfigMap code does not exist"))).isFalse();
        assertThat(new StatusConditions(after.ready("Deployed", "Secret db does not exist"), 1).tellsOf(secret))
                .as("only a True Stalled (or Reconciling, while retried) condition tells of a problem").isFalse();
    }

    private static List<String> trueOnes(List<Condition> conditions) {
        return conditions.stream().filter(Condition::isTrue).map(Condition::type).toList();
    }

    private static Condition find(List<Condition> conditions, String type) {
        return Conditions.find(conditions, type).orElseThrow();
    }
}
