package dev.lamina.cluster;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.Slot;
import dev.lamina.environments.SlotTable;
import dev.lamina.environments.Transport;
import dev.lamina.environments.VersionRef;
import dev.lamina.cluster.VersionPods.Environment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * A version's environments in a cluster, for the gateway: the pods of its Deployment whose shim listens, with slot
 * bookkeeping on this gateway's side. Scaling up raises the Deployment's replica count (any replica may, so a call
 * to a version at zero starts an environment wherever it arrives); scaling down, which only the replica holding the
 * controller role does, lowers it and marks the idle pods so the ReplicaSet removes them and never a busy one.
 */
public final class PodEnvironmentPool implements EnvironmentPool {
    private static final Logger LOG = Logger.getLogger(PodEnvironmentPool.class);

    private final VersionRef version;
    private final int slots;
    private final BooleanSupplier mayScaleDown;
    private final VersionPods environments;
    // Other gateways may send to the same pods: a busy answer there means try another slot (onlySender = false).
    private final SlotTable<String> table = new SlotTable<>(System::nanoTime, this::slotReleased, false);
    /** This table's row per pod, with what it was added as; guarded by this. */
    private final Map<String, Row> rows = new HashMap<>();
    private volatile PoolListener listener = PoolListener.NONE;
    private volatile boolean closed;
    /** The environment count asked for and not yet applied, or -1; guarded by this. */
    private int pending = -1;
    /** A virtual thread is applying requests; guarded by this. */
    private boolean applying;

    /**
     * @param mayScaleDown whether this replica holds the controller role (the one that scales down)
     */
    public PodEnvironmentPool(PodInformers cluster, VersionRef version, int slotsPerEnvironment,
                                     BooleanSupplier mayScaleDown) {
        this.version = version;
        this.slots = slotsPerEnvironment;
        this.mayScaleDown = mayScaleDown;
        this.environments = cluster.version(version.namespace(), version.function(), version.version(), this::sync);
        sync();
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
        return closed ? Optional.empty() : table.tryAcquire();
    }

    /**
     * Provisioned environments need nothing more here: the operator keeps them in the Deployment. The API calls run
     * on a virtual thread, never the caller's; requests arriving meanwhile collapse into the latest.
     */
    @Override
    public synchronized void scaleTo(int wanted, int provisioned) {
        if (closed) {
            return;
        }
        pending = wanted;
        if (!applying) {
            applying = true;
            Thread.ofVirtual().name("lamina-scale-" + version).start(this::applyPending);
        }
    }

    private void applyPending() {
        while (true) {
            int wanted;
            synchronized (this) {
                if (pending < 0 || closed) {
                    applying = false;
                    return;
                }
                wanted = pending;
                pending = -1;
            }
            apply(wanted);
        }
    }

    private void apply(int wanted) {
        int current = environments.wanted();
        try {
            if (wanted > current) {
                environments.scaleTo(wanted, List.of());
            } else if (wanted < current && mayScaleDown.getAsBoolean()) {
                // Pods not yet taking invocations go first anyway (the ReplicaSet removes unready pods first);
                // of those that do, only idle ones, idle longest first.
                long starting = environments.environments().stream().filter(e -> !e.listening()).count();
                int surplus = current - wanted;
                List<String> idle;
                synchronized (this) {
                    idle = table.retireIdle((int) Math.max(0, surplus - starting));
                    idle.forEach(rows::remove);
                }
                int removable = (int) Math.min(surplus, starting + idle.size());
                environments.scaleTo(current - removable, idle);
            }
        } catch (RuntimeException failed) {
            LOG.debugf(failed, "scaling %s to %d failed", version, wanted);
            listener.startFailed(failed.getMessage());
        }
    }

    @Override
    public PoolState state() {
        return new PoolState(Math.max(environments.wanted(), table.size()), table.readyCount(), table.inFlight(),
                slots);
    }

    @Override
    public void listener(PoolListener listener) {
        this.listener = listener == null ? PoolListener.NONE : listener;
    }

    @Override
    public synchronized void close() {
        closed = true;
        table.removeAll();
        rows.clear();
        try {
            environments.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing the environments of %s", version);
        }
    }

    /** Brings the slot table in line with the pods: adds those whose shim listens, drops those gone or going. */
    private synchronized void sync() {
        if (closed) {
            return;
        }
        boolean added = false;
        Map<String, Environment> current = new HashMap<>();
        for (Environment e : environments.environments()) {
            if (e.listening() && e.address() != null) {
                current.put(e.pod(), e);
            }
        }
        for (String pod : new ArrayList<>(rows.keySet())) {
            Environment now = current.get(pod);
            Row row = rows.get(pod);
            if (now == null || !now.address().equals(row.address())) {
                table.remove(row.entry());
                rows.remove(pod);
            } else if (now.ready() && !row.ready()) {
                row.entry().markReady();
                rows.put(pod, new Row(row.entry(), row.address(), true));
                added = true;
            }
        }
        for (Environment e : current.values()) {
            if (!rows.containsKey(e.pod())) {
                Transport transport = new Transport.Http(e.address());
                rows.put(e.pod(), new Row(table.add(e.pod(), transport, slots, e.ready()), e.address(), e.ready()));
                added = true;
            }
        }
        if (added) {
            listener.slotsAvailable();
        }
    }

    private record Row(SlotTable.Entry<String> entry, InetSocketAddress address, boolean ready) {
    }

    private void slotReleased() {
        listener.slotsAvailable();
    }
}
