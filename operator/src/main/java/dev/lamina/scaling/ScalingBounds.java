package dev.lamina.scaling;

import java.time.Duration;

/**
 * What bounds one version's environment count, from its function's configuration.
 *
 * @param provisioned         environments kept initialised before traffic (provisioned concurrency / slots)
 * @param maxEnvironments     the most environments the function's concurrency limit can use
 * @param slotsPerEnvironment invocations one environment serves at once
 * @param targetUtilization   share of slots the autoscaler aims to keep busy
 * @param idleTimeout         how long an environment no longer needed is kept
 */
public record ScalingBounds(int provisioned, int maxEnvironments, int slotsPerEnvironment, double targetUtilization,
                            Duration idleTimeout) {

    /** Environments needed to run {@code demand} concurrent invocations at the target utilization. */
    public int environmentsFor(double demand) {
        if (demand <= 0) {
            return 0;
        }
        return (int) Math.ceil(demand / (slotsPerEnvironment * targetUtilization) - 1e-9);
    }

    public int clamp(int environments) {
        return Math.max(provisioned, Math.min(maxEnvironments, environments));
    }
}
