package dev.lamina.gateway;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.VersionRef;
import dev.lamina.scaling.ConcurrencyMeter;
import dev.lamina.scaling.ScalingTarget;

/**
 * A version the gateway routes to: its configuration, its environments (none when it cannot run here), its demand
 * and the queue of invocations waiting for a slot. Created by {@link Catalog#deploy}.
 */
public final class DeployedVersion {

    private final VersionRef ref;
    private final VersionInfo info;
    private final EnvironmentPool pool;
    private final ConcurrencyMeter demand;
    private final SlotQueue slots;
    private final ScalingTarget scaling;

    DeployedVersion(VersionRef ref, VersionInfo info, EnvironmentPool pool, ConcurrencyMeter demand,
                    SlotQueue slots, ScalingTarget scaling) {
        this.ref = ref;
        this.info = info;
        this.pool = pool;
        this.demand = demand;
        this.slots = slots;
        this.scaling = scaling;
    }

    public VersionRef ref() {
        return ref;
    }

    public VersionInfo info() {
        return info;
    }

    public String version() {
        return info.version();
    }

    /** The environments, or null when the version cannot run here (see {@link VersionInfo#state()}). */
    public EnvironmentPool pool() {
        return pool;
    }

    ConcurrencyMeter demand() {
        return demand;
    }

    SlotQueue slots() {
        return slots;
    }

    ScalingTarget scaling() {
        return scaling;
    }
}
