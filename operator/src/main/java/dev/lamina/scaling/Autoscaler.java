package dev.lamina.scaling;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides how many environments one function version needs, in the style of Knative's KPA: demand (invocations
 * running or waiting) averaged over a stable window sets the steady count; a short panic window reacts to bursts,
 * and while panicking the count never goes down. Demand that finds no slot is served without waiting for the next
 * tick ({@link #onDemand}), so a burst or a call to an idle version starts environments at once. A count stays for the
 * version's idle timeout after the demand that justified it is gone (Knative's scale-down delay), so environments are
 * stopped after being idle that long, and a version without any demand for its idle timeout goes to zero (or to its
 * provisioned environments). Not thread-safe on its own: the {@link ScalingLoop} serialises calls per version.
 */
public final class Autoscaler {

    private record Sample(long atNanos, double value) {
    }

    private final ScalingPolicy policy;
    private final Deque<Sample> demand = new ArrayDeque<>();
    /** Raw decisions within the idle timeout, values decreasing from head to tail (a sliding-window maximum). */
    private final Deque<Sample> recentDecisions = new ArrayDeque<>();
    private long lastActiveNanos;
    private boolean everActive;
    private boolean panicking;
    private long panicSinceNanos;
    private int panicFloor;

    public Autoscaler(ScalingPolicy policy) {
        this.policy = policy;
    }

    /**
     * The periodic decision.
     *
     * @param now           monotonic time in nanoseconds
     * @param tickAverage   average demand since the previous tick
     * @param currentDemand demand right now
     * @param environments  environments alive now (starting or ready)
     * @param starting      of those, environments still initialising
     * @return environments wanted
     */
    public int tick(long now, double tickAverage, int currentDemand, int environments, int starting,
                    ScalingBounds bounds) {
        demand.addLast(new Sample(now, tickAverage));
        long stableStart = now - policy.stableWindow().toNanos();
        while (!demand.isEmpty() && demand.peekFirst().atNanos() <= stableStart) {
            demand.removeFirst();
        }
        if (tickAverage > 0 || currentDemand > 0) {
            markActive(now);
        }
        int stable = bounds.environmentsFor(average(stableStart));
        int burst = bounds.environmentsFor(average(now - policy.panicWindow().toNanos()));
        if (environments > 0 && burst >= policy.panicThreshold() * environments) {
            if (!panicking) {
                panicFloor = environments;
            }
            panicking = true;
            panicSinceNanos = now;
        } else if (panicking && now - panicSinceNanos >= policy.stableWindow().toNanos()) {
            panicking = false;
        }
        int raw = panicking ? burst : stable;
        if (panicking) {
            raw = Math.max(raw, panicFloor);
            panicFloor = raw;
        }
        return startable(decide(now, raw, bounds), environments, starting);
    }

    /**
     * The immediate decision when invocations found no free slot: enough environments for the demand right now, never
     * fewer than alive.
     */
    public int onDemand(long now, int currentDemand, int environments, int starting, ScalingBounds bounds) {
        markActive(now);
        int needed = Math.max(environments, bounds.environmentsFor(currentDemand));
        return startable(decide(now, needed, bounds), environments, starting);
    }

    /** Growth is limited by how many environments may initialise at once; shrinking is not. */
    private int startable(int wanted, int environments, int starting) {
        if (wanted <= environments) {
            return wanted;
        }
        return Math.min(wanted, environments + Math.max(0, policy.maxStarting() - starting));
    }

    public boolean panicking() {
        return panicking;
    }

    private int decide(long now, int raw, ScalingBounds bounds) {
        long idleNanos = bounds.idleTimeout().toNanos();
        while (!recentDecisions.isEmpty() && recentDecisions.peekLast().value() <= raw) {
            recentDecisions.removeLast();
        }
        recentDecisions.addLast(new Sample(now, raw));
        while (recentDecisions.size() > 1 && recentDecisions.peekFirst().atNanos() <= now - idleNanos) {
            recentDecisions.removeFirst();
        }
        boolean idle = !everActive || now - lastActiveNanos >= idleNanos;
        int wanted = idle ? 0 : (int) recentDecisions.peekFirst().value();
        return bounds.clamp(wanted);
    }

    private void markActive(long now) {
        lastActiveNanos = now;
        everActive = true;
    }

    private double average(long since) {
        double sum = 0;
        int n = 0;
        for (Sample s : demand) {
            if (s.atNanos() > since) {
                sum += s.value();
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}
