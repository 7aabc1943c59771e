package dev.lamina.cluster;

import dev.lamina.controller.ControllerConfig;
import dev.lamina.controller.Leadership;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.GatewayConfig;
import dev.lamina.gateway.InvokePermissions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * Cluster mode of the gateway: with the controller role on (it is off in local mode), this replica routes
 * invocations to the functions of the cluster. Every replica does; only the one holding the Lease reconciles and
 * scales down.
 */
@ApplicationScoped
public class ClusterGateway {
    private final ControllerConfig config;
    private final KubernetesClient client;
    private final Catalog catalog;
    private final Leadership leadership;
    private PodInformers environments;
    private InformerCatalogFeed functions;

    public ClusterGateway(ControllerConfig config, KubernetesClient client, Catalog catalog, Leadership leadership) {
        this.config = config;
        this.client = client;
        this.catalog = catalog;
        this.leadership = leadership;
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            environments = new PodInformers(client);
            functions = new InformerCatalogFeed(client, catalog, environments, leadership::leads);
        }
    }

    /**
     * Who may invoke: in a cluster the Kubernetes API says (TokenReview, SubjectAccessReview); without the controller
     * role (local mode) nobody is checked.
     */
    @Produces
    @ApplicationScoped
    InvokePermissions invokePermissions(GatewayConfig gateway) {
        return config.enabled() ? new KubernetesInvokePermissions(client, gateway.authCacheTtl())
                : InvokePermissions.OPEN;
    }

    void closePermissions(@Disposes InvokePermissions permissions) {
        if (permissions instanceof KubernetesInvokePermissions kubernetes) {
            kubernetes.close();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (functions != null) {
            functions.close();
            environments.close();
        }
    }
}
