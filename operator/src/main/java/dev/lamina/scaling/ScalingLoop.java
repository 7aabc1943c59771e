package dev.lamina.scaling;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/** Runs every registered version's autoscaler on a fixed tick, and at once when a version's demand finds no slot. */
public final class ScalingLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScalingLoop.class);

    private final ScalingPolicy policy;
    private final LongSupplier nanoClock;
    private final Set<ScalingTarget> targets = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lamina-autoscaler");
        t.setDaemon(true);
        return t;
    });

    public ScalingLoop(ScalingPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    public ScalingPolicy policy() {
        return policy;
    }

    public void start() {
        long period = policy.tick().toNanos();
        timer.scheduleAtFixedRate(this::tickAll, period, period, TimeUnit.NANOSECONDS);
    }

    public void register(ScalingTarget target) {
        targets.add(target);
    }

    /** Stops driving a version (its pool is being closed). */
    public void unregister(ScalingTarget target) {
        targets.remove(target);
    }

    /** Invocations of this version found no free slot: scale up now instead of at the next tick. */
    public void demandWaiting(ScalingTarget target) {
        target.onDemand(nanoClock.getAsLong());
    }

    void tickAll() {
        long now = nanoClock.getAsLong();
        for (ScalingTarget target : targets) {
            try {
                target.tick(now);
            } catch (RuntimeException e) {
                LOG.errorf(e, "autoscaling %s failed", target.pool().version());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
