package dev.lamina.versions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.AliasStatus.DeploymentStatus;
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
        assertThat(AliasRouting.resolve(AliasRouting.table(CANARY), Map.of("3", "v3", "4", "v4")::get))
                .isEqualTo(new AliasRouting.Resolution.Routed<>("v3", "v4", 0.1));
    }

    @Test
    void anAliasNamingAMissingVersionDoesNotRoute() {
        assertThat(AliasRouting.resolve(AliasRouting.table(CANARY), Map.of("3", "v3")::get))
                .isEqualTo(new AliasRouting.Resolution.Missing<String>(List.of("4")));
    }

    @Test
    void provisionedConcurrencyIsSplitByTheSameWeights() {
        Alias provisioned = Fixtures.alias("ns", "shop", "live", "3", "provisionedConcurrency: 10",
                "routingConfig:", "  additionalVersionWeights: {\"4\": 0.25}");
        assertThat(ProvisionedEnvironments.perVersion(List.of(provisioned), version -> 2))
                .containsOnly(Map.entry("3", 4), Map.entry("4", 2));
    }

    @Test
    void aDeploymentRoutesByItsStatusAndKeepsItsTargetWarm() {
        Alias alias = Fixtures.alias("ns", "shop", "live", "3", "deployment: {type: Linear10PercentEvery1Minute}");
        DeploymentStatus shifting = new DeploymentStatus(DeploymentStatus.SHIFTING, "d-1", "3", "4", 0.2, 2, null,
                null, null, null, null, null, 1L);
        assertThat(AliasRouting.table(alias.getSpec(), null)).isEmpty();
        assertThat(AliasRouting.table(alias.getSpec(), shifting)).containsExactly(Map.entry("3", 0.8),
                Map.entry("4", 0.2));
        DeploymentStatus warming = new DeploymentStatus(DeploymentStatus.PRE_TRAFFIC, "d-1", "3", "4", 0.0, 0, null,
                null, null, null, null, null, 1L);
        alias.setStatus(new AliasStatus(null, null, null, null, warming, null));
        assertThat(AliasRouting.table(alias)).containsExactly(Map.entry("3", 1.0));
        assertThat(AliasRouting.versionsNamed(alias)).containsExactly("3", "4");
        assertThat(ProvisionedEnvironments.perVersion(List.of(alias), version -> 2)).containsOnly(Map.entry("4", 1));
        DeploymentStatus rolledBack = new DeploymentStatus(DeploymentStatus.ROLLED_BACK, "d-1", "3", "4", 0.0, 2,
                null, null, null, null, null, "alarm", 1L);
        assertThat(AliasRouting.table(alias.getSpec(), rolledBack)).containsExactly(Map.entry("3", 1.0));
    }
}
