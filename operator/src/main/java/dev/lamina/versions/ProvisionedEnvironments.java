package dev.lamina.versions;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * How many environments each version must keep initialised for its aliases' provisioned concurrency. Like Lambda, an
 * alias splitting traffic splits its provisioned concurrency by the same weights (a deployment's weights as they
 * move); aliases sharing a version add up. The target of a deployment keeps at least one environment, so that no
 * traffic moves to a version before it can answer.
 */
public final class ProvisionedEnvironments {
    private ProvisionedEnvironments() {
    }

    /**
     * @param aliases        the function's routed aliases (every version they name exists), with their status
     * @param perEnvironment a version's invocations per environment
     * @return version → minimum environments (versions needing none are absent)
     */
    public static Map<String, Integer> perVersion(Collection<Alias> aliases, ToIntFunction<String> perEnvironment) {
        Map<String, Integer> minimum = new HashMap<>();
        Set<String> warm = new HashSet<>();
        for (Alias alias : aliases) {
            DeploymentStatus deployment = alias.getStatus() == null ? null : alias.getStatus().deployment();
            if (alias.getSpec().deployment() != null && deployment != null && deployment.inProgress()) {
                warm.add(deployment.targetVersion());
            }
            int provisioned = alias.getSpec().provisionedConcurrency();
            if (provisioned <= 0) {
                continue;
            }
            AliasRouting.table(alias).forEach((version, weight) -> {
                int concurrency = (int) Math.ceil(provisioned * weight - 1e-9);
                int environments = (concurrency + perEnvironment.applyAsInt(version) - 1)
                        / perEnvironment.applyAsInt(version);
                if (environments > 0) {
                    minimum.merge(version, environments, Integer::sum);
                }
            });
        }
        warm.forEach(version -> minimum.merge(version, 1, Math::max));
        return minimum;
    }
}
