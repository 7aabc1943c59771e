package dev.lamina.scaling;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolState;
import java.util.function.Supplier;

/**
 * One version the autoscaler drives: its environments, its demand, and the bounds its function's configuration sets
 * now (read at every decision, so a changed reserved or provisioned concurrency applies at once).
 */
public final class ScalingTarget {

    private final EnvironmentPool pool;
    private final ConcurrencyMeter demand;
    private final Supplier<ScalingBounds> bounds;
    private final Autoscaler autoscaler;

    public ScalingTarget(EnvironmentPool pool, ConcurrencyMeter demand, Supplier<ScalingBounds> bounds,
                         ScalingPolicy policy) {
        this.pool = pool;
        this.demand = demand;
        this.bounds = bounds;
        this.autoscaler = new Autoscaler(policy);
    }

    public EnvironmentPool pool() {
        return pool;
    }

    synchronized void tick(long now) {
        ScalingBounds b = bounds.get();
        PoolState state = pool.state();
        int environments = state.environments();
        int wanted = autoscaler.tick(now, demand.sampleAverage(), demand.level(), environments, state.starting(), b);
        if (wanted != environments) {
            pool.scaleTo(wanted, b.provisioned());
        }
    }

    synchronized void onDemand(long now) {
        ScalingBounds b = bounds.get();
        PoolState state = pool.state();
        int environments = state.environments();
        int wanted = autoscaler.onDemand(now, demand.level(), environments, state.starting(), b);
        if (wanted > environments) {
            pool.scaleTo(wanted, b.provisioned());
        }
    }
}
