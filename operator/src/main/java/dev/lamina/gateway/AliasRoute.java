package dev.lamina.gateway;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.versions.AliasRouting;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An alias resolved to deployed versions: the primary one, and optionally a second one that gets
 * {@code additionalWeight} of the invocations, chosen independently per invocation. With a deployment the versions
 * and weight are those of its status ({@code deployment}).
 */
public record AliasRoute(String name, AliasSpec spec, DeploymentStatus deployment, DeployedVersion primary,
                         DeployedVersion additional, double additionalWeight, Instant lastModified) {

    public AliasRoute {
        if (additional == null && additionalWeight != 0) {
            throw new IllegalArgumentException("a weight needs an additional version");
        }
    }

    /**
     * The route of an alias resolved to deployed versions. It keeps the previous route's {@code lastModified} when
     * nothing about the alias or the versions it reaches changed (a version redeployed counts as a change).
     */
    public static AliasRoute of(AliasSpec spec, DeploymentStatus deployment,
                                AliasRouting.Resolution.Routed<DeployedVersion> routed, AliasRoute previous) {
        boolean unchanged = previous != null && previous.primary() == routed.primary()
                && previous.additional() == routed.additional()
                && previous.additionalWeight() == routed.additionalWeight() && Objects.equals(previous.spec(), spec);
        return new AliasRoute(spec.name(), spec, deployment, routed.primary(), routed.additional(),
                routed.additionalWeight(), unchanged ? previous.lastModified() : Instant.now());
    }

    /** The alias as a resource (spec, and the deployment status it routes by), for the rules taking one. */
    public Alias resource() {
        Alias alias = new Alias();
        alias.setSpec(spec);
        alias.setStatus(new AliasStatus(null, null, null, null, deployment, null));
        return alias;
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
