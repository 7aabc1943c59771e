package dev.lamina.local;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.Slot;
import dev.lamina.environments.SlotTable;
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
    private final SlotTable<Shim> table = new SlotTable<>(System::nanoTime, this::slotReleased, true);
    private volatile PoolListener listener = PoolListener.NONE;
    /** Launches under way (no address yet); guarded by this. */
    private int launching;
    private volatile boolean closed;

    /**
     * @param drainLimit how long a stopping environment may keep running its invocations (the function timeout plus
     *                   a margin) before it is stopped anyway
     */
    public LocalEnvironmentPool(VersionRef version, int slots, Launcher launcher, Executor executor, Executor stops,
                                Duration drainLimit) {
        this.version = version;
        this.slots = slots;
        this.launcher = launcher;
        this.executor = executor;
        this.stops = stops;
        this.drainLimit = drainLimit;
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

    @Override
    public synchronized void scaleTo(int environments, int provisioned) {
        if (closed) {
            return;
        }
        int alive = table.size() + launching;
        for (int i = alive; i < environments; i++) {
            launching++;
            boolean asProvisioned = i < provisioned;
            executor.execute(() -> launch(asProvisioned));
        }
        if (environments < alive) {
            for (Shim surplus : table.retireIdle(alive - environments)) {
                stops.execute(surplus::close);
            }
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
            synchronized (this) {
                launching--;
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warnf("%s: an execution environment failed to start: %s", version, message);
            listener.startFailed(message);
            return;
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
