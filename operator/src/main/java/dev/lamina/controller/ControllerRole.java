package dev.lamina.controller;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the Kubernetes operator (reconcilers and their informers) when this process has the controller role. The
 * operator SDK's own start-up is switched off at build time ({@code quarkus.operator-sdk.start-operator=false}) so
 * that local mode, which has no cluster, can turn the role off at run time.
 */
@ApplicationScoped
public class ControllerRole {

    private static final Logger LOG = Logger.getLogger(ControllerRole.class);

    private final Operator operator;
    private final boolean enabled;
    private final boolean candidate;
    private boolean started;

    public ControllerRole(Operator operator, ControllerConfig config) {
        this.operator = operator;
        this.enabled = config.enabled();
        this.candidate = config.leaseCandidate();
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.debug("Controller role off: not starting the Kubernetes operator.");
        } else if (!candidate) {
            LOG.info("Gateway only (lamina.controller.lease-candidate=false): not running for the controller's Lease.");
        } else if (operator.getRegisteredControllersNumber() == 0) {
            LOG.info("No reconciler registered: the Kubernetes operator is not started.");
        } else {
            operator.start();
            started = true;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (started) {
            operator.stop();
        }
    }
}
