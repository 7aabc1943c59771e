package dev.lamina.scaling;

import java.time.Duration;

/**
 * The autoscaler's numbers, shared by all versions (Knative KPA's model; the defaults are in
 * {@code GatewayConfig.Scaling}).
 *
 * @param stableWindow   demand is averaged over this window for the steady-state environment count
 * @param panicWindow    a short window that reacts to bursts
 * @param panicThreshold enter panic mode when the panic window asks for this many times the current environments
 * @param tick           how often every version is re-evaluated
 * @param maxStarting    environments of one version initialising at the same time; demand beyond waits for them
 *                       (like Lambda's scaling rate), so a burst cannot start more runtimes than the machine can init
 */
public record ScalingPolicy(Duration stableWindow, Duration panicWindow, double panicThreshold, Duration tick,
                            int maxStarting) {

    public ScalingPolicy {
        if (panicWindow.compareTo(stableWindow) > 0) {
            throw new IllegalArgumentException("the panic window (" + panicWindow
                    + ") must not be longer than the stable window (" + stableWindow + ")");
        }
        if (maxStarting < 1) {
            throw new IllegalArgumentException("at least one environment must be able to start, not " + maxStarting);
        }
        if (panicThreshold < 1.0) {
            throw new IllegalArgumentException("the panic threshold must be at least 1.0, not " + panicThreshold);
        }
    }
}
