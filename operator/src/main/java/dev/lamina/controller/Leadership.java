package dev.lamina.controller;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Whether this replica holds the controller role right now: it does while it holds the Lease, or always when no
 * election runs (one replica, outside the prod profile); a gateway-only replica never does. The gateway's autoscaler
 * scales down only here, so replicas that see different traffic never undo each other's environments.
 */
@Singleton
public class Leadership {
    private final AtomicBoolean holdsLease = new AtomicBoolean();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final Instance<Operator> operator;
    private final boolean candidate;

    public Leadership(Instance<Operator> operator, ControllerConfig config) {
        this.operator = operator;
        this.candidate = config.leaseCandidate();
    }

    public boolean leads() {
        return candidate && (holdsLease.get()
                || operator.get().getConfigurationService().getLeaderElectionConfiguration().isEmpty());
    }

    /** Tells {@code listener} whenever this replica takes ({@code true}) or loses ({@code false}) the Lease. */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    void leaseTaken() {
        holdsLease.set(true);
        listeners.forEach(l -> l.accept(true));
    }

    void leaseLost() {
        holdsLease.set(false);
        listeners.forEach(l -> l.accept(false));
    }
}
