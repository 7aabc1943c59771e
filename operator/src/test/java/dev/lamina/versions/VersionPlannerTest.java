package dev.lamina.versions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Alias;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.controller.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionPlannerTest {
    private static final FunctionSpec PUBLISHING = spec(true, 2);

    @Test
    void aChangedSpecPublishesTheNumberAfterEveryNumberUsedIncludingDeletedOnes() {
        VersionPlanner.Plan plan = VersionPlanner.plan("shop", PUBLISHING, "code", "new",
                List.of(published(1, "old")), "7", List.of());
        assertThat(plan.toPublish()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo("8"));
        assertThat(plan.latest()).hasValue("8");
    }

    @Test
    void anUnchangedSpecPublishesNothing() {
        VersionPlanner.Plan plan = VersionPlanner.plan("shop", PUBLISHING, "code", "same",
                List.of(published(1, "same")), "1", List.of());
        assertThat(plan.toPublish()).isEmpty();
        assertThat(plan.kept()).containsOnlyKeys("1");
    }

    @Test
    void theOldestPublishedVersionsBeyondTheLimitGoUnlessAnAliasRoutesToThem() {
        VersionPlanner.Plan plan = VersionPlanner.plan("shop", PUBLISHING, "code", "new",
                List.of(published(1, "a"), published(2, "b"), published(3, "c")), "3",
                List.of(alias("1")));
        assertThat(plan.toPublish()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo("4"));
        assertThat(plan.kept()).as("room for one besides the new one, and the aliased one")
                .containsOnlyKeys("3", "1");
    }

    @Test
    void aVersionDeclaredByHandTakesItsNumberAndIsNeverDeleted() {
        VersionPlanner.Plan plan = VersionPlanner.plan("shop", spec(true, 1), "code", "new",
                List.of(declared("first-release", 1, null), published(2, "b")), null, List.of());
        assertThat(plan.toPublish()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo("3"));
        assertThat(plan.kept()).containsOnlyKeys("1");
    }

    @Test
    void whenTwoVersionsClaimOneNumberTheOneCreatedFirstCounts() {
        FunctionVersion early = declared("b-early", 1, "2026-01-01T00:00:00Z");
        FunctionVersion late = declared("a-late", 1, "2026-02-01T00:00:00Z");
        assertThat(FunctionVersions.byNumber(List.of(late, early))).containsExactly(
                Map.entry(1L, early));
    }

    @Test
    void versionNumbersAreDigitsOnly() {
        assertThat(FunctionVersions.isNumber("12")).isTrue();
        assertThat(FunctionVersions.isNumber("$LATEST")).isFalse();
        assertThat(FunctionVersions.isNumber("live")).isFalse();
        assertThat(FunctionVersions.isNumber("")).isFalse();
        assertThat(FunctionVersions.number("99999999999999999999")).as("too long to be a version").isZero();
    }

    private static FunctionSpec spec(boolean publish, int historyLimit) {
        return Fixtures.imageFunction("shop-ns", "shop", "publish: " + publish, "versionHistoryLimit: " + historyLimit)
                .getSpec();
    }

    private static FunctionVersion published(int number, String configSha256) {
        return FunctionVersions.published("shop-ns", new FunctionVersion.Spec("shop", Integer.toString(number),
                "code", configSha256, null, PUBLISHING));
    }

    private static FunctionVersion declared(String name, int number, String created) {
        FunctionVersion version = new FunctionVersion();
        version.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop-ns")
                .withCreationTimestamp(created).build());
        version.setSpec(new FunctionVersion.Spec("shop", Integer.toString(number), null, null, null, PUBLISHING));
        return version;
    }

    private static Alias alias(String version) {
        return Fixtures.alias("shop-ns", "shop", "live", version);
    }
}
