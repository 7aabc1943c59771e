package dev.lamina.local;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.Slot;
import dev.lamina.environments.SlotTable;
import dev.lamina.environments.StartBackoff;
import dev.lamina.environments.Transport;
import dev.lamina.environments.VersionRef;
import dev.lamina.shim.Shim;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Environments as local processes: each is a {@link Shim} embedded in this process, supervising one runtime
 * process. Starting and stopping run on the given executors, never on the caller. Scale-down stops run on their own
 * few threads: stopping a shim blocks on its event loop and its process tree, and a mass scale-down (every
 * environment of a burst going idle at once) must never delay the start a waiting invocation needs.
 */
public final class LocalEnvironmentPool implements EnvironmentPool {

    private static final Logger LOG = Logger.getLogger(LocalEnvironmentPool.class);

    /** Starts one environment; {@code provisioned} selects the initialization type. */
    @FunctionalInterface
    public interface Launcher {
        Shim start(boolean provisioned) throws Exception;
    }

    private final VersionRef version;
    private final int slots;
    private final Launcher launcher;
    private final Executor executor;
    private final Executor stops;
    private final Duration drainLimit;
    private final StartBackoff backoff;
    private final SlotTable<Shim> table = new SlotTable<>(System::nanoTime, this::slotReleased, true);
    private volatile PoolListener listener = PoolListener.NONE;
    /** Launches under way (no address yet); guarded by this. */
    private int launching;
    private volatile boolean closed;

    /**
     * @param drainLimit how long a stopping environment may keep running its invocations (the function timeout plus
     *                   a margin) before it is stopped anyway
     * @param backoff    when starts may be tried again after they failed
     */
    public LocalEnvironmentPool(VersionRef version, int slots, Launcher launcher, Executor executor, Executor stops,
                                Duration drainLimit, StartBackoff backoff) {
        this.version = version;
        this.slots = slots;
        this.launcher = launcher;
        this.executor = executor;
        this.stops = stops;
        this.drainLimit = drainLimit;
        this.backoff = backoff;
    }

    @Override
    public VersionRef version() {
        return version;
    }

    @Override
    public int slotsPerEnvironment() {
        return slots;
    }

    @Override
    public Optional<Slot> tryAcquire() {
        return table.tryAcquire();
    }

    /**
     * Starts or stops environments towards {@code environments}. While starts are held back after failures none is
     * started, and invocations waiting for a version with no environment at all get the failure's reason at once.
     */
    @Override
    public void scaleTo(int environments, int provisioned) {
        String heldBack;
        synchronized (this) {
            if (closed) {
                return;
            }
            int alive = table.size() + launching;
            heldBack = environments > alive ? backoff.holdingBack() : null;
            if (heldBack == null) {
                for (int i = alive; i < environments; i++) {
                    launching++;
                    boolean asProvisioned = i < provisioned;
                    executor.execute(() -> launch(asProvisioned));
                }
            } else if (alive > 0) {
                heldBack = null;
            }
            if (environments < alive) {
                for (Shim surplus : table.retireIdle(alive - environments)) {
                    stops.execute(surplus::close);
                }
            }
        }
        if (heldBack != null) {
            listener.startFailed(heldBack);
        }
    }

    @Override
    public PoolState state() {
        int launchingNow;
        synchronized (this) {
            launchingNow = launching;
        }
        return new PoolState(table.size() + launchingNow, table.readyCount(), table.inFlight(), slots);
    }

    @Override
    public void listener(PoolListener listener) {
        this.listener = listener;
    }

    @Override
    public void close() {
        List<Shim> all;
        synchronized (this) {
            closed = true;
            all = table.removeAll();
        }
        for (Shim shim : all) {
            executor.execute(() -> drainAndClose(shim));
        }
    }

    private void launch(boolean provisioned) {
        Shim shim;
        try {
            shim = launcher.start(provisioned);
        } catch (Exception | LinkageError e) {
            StartBackoff.Failure failure;
            synchronized (this) {
                launching--;
                failure = backoff.failed(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (failure.firstInARow()) {
                LOG.warnf("%s: an execution environment failed to start: %s (tried again with backoff; said once)",
                        version, failure.reason());
            } else {
                LOG.debugf("%s: an execution environment failed to start again: %s", version, failure.reason());
            }
            listener.startFailed(failure.reason());
            return;
        }
        int failuresEnded = backoff.succeeded();
        if (failuresEnded > 0) {
            LOG.infof("%s: an execution environment started after %d failed starts", version, failuresEnded);
        }
        SlotTable.Entry<Shim> entry;
        synchronized (this) {
            launching--;
            if (closed) {
                stops.execute(shim::close);
                return;
            }
            entry = table.add(shim, new Transport.Direct(shim), slots, shim.ready());
        }
        shim.readyFuture().whenComplete((ok, initError) -> {
            if (initError == null) {
                entry.markReady();
                listener.slotsAvailable();
            } else {
                // The environment answers what it holds with the init error; later calls get a fresh environment.
                table.remove(entry);
                executor.execute(() -> drainAndClose(shim));
            }
        });
        listener.slotsAvailable();
    }

    /** Stops an environment once the invocations it holds are answered, or after the drain limit. */
    private void drainAndClose(Shim shim) {
        long deadline = System.nanoTime() + drainLimit.toNanos();
        try {
            while (shim.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shim.close();
        }
    }

    private void slotReleased() {
        listener.slotsAvailable();
    }
}
