package dev.lamina.versions;

import dev.lamina.api.AliasSpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * How many environments each version must keep initialised for its aliases' provisioned concurrency. Like Lambda, an
 * alias splitting traffic splits its provisioned concurrency by the same weights; aliases sharing a version add up.
 */
public final class ProvisionedEnvironments {
    private ProvisionedEnvironments() {
    }

    /**
     * @param aliases        the function's routed aliases (every version they name exists)
     * @param perEnvironment a version's invocations per environment
     * @return version → minimum environments (versions without provisioned concurrency are absent)
     */
    public static Map<String, Integer> perVersion(Collection<AliasSpec> aliases, ToIntFunction<String> perEnvironment) {
        Map<String, Integer> minimum = new HashMap<>();
        for (AliasSpec alias : aliases) {
            int provisioned = alias.provisionedConcurrency();
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
        return minimum;
    }
}
