package dev.lamina.versions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.AliasSpec;
import dev.lamina.controller.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AliasRoutingTest {
    private static final AliasSpec CANARY = Fixtures.alias("ns", "shop", "live", "3", "routingConfig:",
            "  additionalVersionWeights: {\"4\": 0.1}").getSpec();

    @Test
    void theAliasVersionGetsWhatTheAdditionalWeightLeaves() {
        assertThat(AliasRouting.table(CANARY)).containsExactly(Map.entry("3", 0.9), Map.entry("4", 0.1));
        assertThat(AliasRouting.describe(AliasRouting.table(CANARY))).isEqualTo("3=90%,4=10%");
    }

    @Test
    void anAliasRoutesWhenEveryVersionItNamesExists() {
        assertThat(AliasRouting.resolve(CANARY, Map.of("3", "v3", "4", "v4")::get))
                .isEqualTo(new AliasRouting.Resolution.Routed<>("v3", "v4", 0.1));
    }

    @Test
    void anAliasNamingAMissingVersionDoesNotRoute() {
        assertThat(AliasRouting.resolve(CANARY, Map.of("3", "v3")::get))
                .isEqualTo(new AliasRouting.Resolution.Missing<String>(List.of("4")));
    }

    @Test
    void provisionedConcurrencyIsSplitByTheSameWeights() {
        AliasSpec provisioned = Fixtures.alias("ns", "shop", "live", "3", "provisionedConcurrency: 10",
                "routingConfig:", "  additionalVersionWeights: {\"4\": 0.25}").getSpec();
        assertThat(ProvisionedEnvironments.perVersion(List.of(provisioned), version -> 2))
                .containsOnly(Map.entry("3", 4), Map.entry("4", 2));
    }
}
