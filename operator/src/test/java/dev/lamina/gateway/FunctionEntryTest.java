package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.environments.VersionRef;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which qualifiers a function has and which versions they route to: answers that involve no weighted draw. */
class FunctionEntryTest {

    private final DeployedVersion latest = version("$LATEST");
    private final DeployedVersion one = version("1");
    private final DeployedVersion two = version("2");
    private final FunctionEntry function = new FunctionEntry("default", "fn", null, latest,
            new TreeMap<>(Map.of(1L, one, 2L, two)),
            Map.of("half", alias("half", 0.5), "stays", alias("stays", 0), "moved", alias("moved", 1)), null);

    @Test
    void aQualifierExistsWhenItIsLatestAPublishedVersionOrAnAlias() {
        for (String present : new String[]{null, "$LATEST", "1", "2", "half", "stays", "moved"}) {
            assertThat(function.hasQualifier(present)).as(present).isTrue();
        }
        for (String absent : new String[]{"3", "0", "99999999999", "missing"}) {
            assertThat(function.hasQualifier(absent)).as(absent).isFalse();
        }
    }

    @Test
    void anAliasRoutesToTheVersionsItsWeightsCanPick() {
        assertThat(function.versionsOf("half")).containsExactly(one, two);
        assertThat(function.versionsOf("stays")).as("weight 0").containsExactly(one);
        assertThat(function.versionsOf("moved")).as("weight 1").containsExactly(two);
        assertThat(function.versionsOf(null)).containsExactly(latest);
        assertThat(function.versionsOf("2")).containsExactly(two);
        assertThat(function.versionsOf("missing")).isEmpty();
        assertThat(function.resolve("half")).isIn(one, two);
    }

    private AliasRoute alias(String name, double additionalWeight) {
        return new AliasRoute(name, null, null, one, two, additionalWeight, Instant.EPOCH);
    }

    private static DeployedVersion version(String version) {
        return new DeployedVersion(new VersionRef("default", "fn", version), new VersionInfo(version, null, null, null,
                0, null, Instant.EPOCH, VersionState.ACTIVE), null, null, null, null);
    }
}
