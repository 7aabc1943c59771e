package dev.lamina.gateway;

import dev.lamina.api.AliasSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An alias resolved to deployed versions: the primary one, and optionally a second one that gets
 * {@code additionalWeight} of the invocations, chosen independently per invocation.
 */
public record AliasRoute(String name, AliasSpec spec, DeployedVersion primary, DeployedVersion additional,
                         double additionalWeight, Instant lastModified) {

    public AliasRoute {
        if (additional == null && additionalWeight != 0) {
            throw new IllegalArgumentException("a weight needs an additional version");
        }
    }

    /** The version of one invocation, drawn by weight. */
    public DeployedVersion pick() {
        if (additional != null && ThreadLocalRandom.current().nextDouble() < additionalWeight) {
            return additional;
        }
        return primary;
    }

    /** The versions {@link #pick} can return: a version with weight 0 gets no traffic. */
    public List<DeployedVersion> versions() {
        if (additional == null || additionalWeight == 0) {
            return List.of(primary);
        }
        return additionalWeight >= 1 ? List.of(additional) : List.of(primary, additional);
    }
}
