package dev.lamina.environments;

/**
 * A pool's environments at one moment.
 *
 * @param environments        environments alive (starting or ready)
 * @param ready               environments initialised and taking invocations
 * @param inFlight            slots taken, i.e. invocations running or waiting inside an environment
 * @param slotsPerEnvironment invocations one environment serves at once
 */
public record PoolState(int environments, int ready, int inFlight, int slotsPerEnvironment) {

    public static PoolState empty(int slotsPerEnvironment) {
        return new PoolState(0, 0, 0, slotsPerEnvironment);
    }

    public int starting() {
        return environments - ready;
    }
}
