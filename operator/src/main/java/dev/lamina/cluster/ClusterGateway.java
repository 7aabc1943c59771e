package dev.lamina.cluster;

import dev.lamina.controller.ControllerConfig;
import dev.lamina.controller.Leadership;
import dev.lamina.deployments.HookLedger;
import dev.lamina.deployments.HookReports;
import dev.lamina.deployments.OutcomeSource;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.EdgeCatalog;
import dev.lamina.gateway.GatewayConfig;
import dev.lamina.gateway.InvokePermissions;
import dev.lamina.gateway.ServiceAddresses;
import dev.lamina.gateway.SharesApi;
import dev.lamina.scaling.ConcurrencyLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

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
    private final EdgeCatalog edge;
    private final Leadership leadership;
    private final SharesApi sharesApi;
    private PodInformers environments;
    private ConcurrencyShares shares;
    /** Set at start; hook reports read it from the gateway's threads. */
    private volatile InformerCatalogFeed functions;

    public ClusterGateway(ControllerConfig config, KubernetesClient client, Catalog catalog, EdgeCatalog edge,
                          Leadership leadership, SharesApi sharesApi) {
        this.config = config;
        this.client = client;
        this.catalog = catalog;
        this.edge = edge;
        this.leadership = leadership;
        this.sharesApi = sharesApi;
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            environments = new PodInformers(client);
            functions = new InformerCatalogFeed(client, catalog, edge, environments, leadership::leads);
            shares = new ConcurrencyShares(client, config.gatewayNamespace().orElseGet(client::getNamespace),
                    config.gatewaySelector(), config.gatewayPort(), catalog.concurrency(),
                    Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost"), leadership::leads);
            sharesApi.acceptFrom(shares::isGatewayPod);
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

    /**
     * Where traffic hooks report: in a cluster on the Alias of the deployment (found by the Alias informer), so every
     * replica and the controller agree; without the controller role (local mode), in this process's ledger.
     */
    @Produces
    @ApplicationScoped
    HookReports hookReports(HookLedger ledger) {
        return config.enabled() ? new AliasHookReports(client, deploymentId -> {
            InformerCatalogFeed feed = functions;
            return feed == null ? List.of() : feed.aliasesOfDeployment(deploymentId);
        }) : ledger;
    }

    /**
     * Where distributions reach Service origins: by the cluster's DNS ({@code NAME.NAMESPACE.svc}); without the
     * controller role (local mode), on this machine, where a Service's port is a local port.
     */
    @Produces
    @ApplicationScoped
    ServiceAddresses serviceAddresses() {
        return config.enabled() ? (namespace, service) -> service + "." + namespace + ".svc"
                : (namespace, service) -> "localhost";
    }

    /**
     * The concurrency limits: in a cluster shared by every gateway replica, each admitting the shares the Lease
     * holder grants it ({@link ConcurrencyShares}); without the controller role (local mode, one gateway), whole.
     */
    @Produces
    @Singleton
    ConcurrencyLimits concurrencyLimits(GatewayConfig gateway) {
        return config.enabled() ? ConcurrencyLimits.shared(gateway.accountConcurrencyLimit(), System::nanoTime)
                : new ConcurrencyLimits(gateway.accountConcurrencyLimit());
    }

    /** The in-process ledger of hook reports (only as itself: {@link HookReports} is the choice above). */
    @Produces
    @Singleton
    @Typed(HookLedger.class)
    HookLedger hookLedger() {
        return new HookLedger();
    }

    /** Every gateway replica's outcomes of a version, for the controller's deployments. */
    @Produces
    @Singleton
    @Named(OutcomeSource.GATEWAY_REPLICAS)
    ReplicaOutcomes replicaOutcomes() {
        return new ReplicaOutcomes(client, config.gatewayNamespace().orElseGet(client::getNamespace),
                config.gatewaySelector(), config.gatewayPort());
    }

    void closeReplicaOutcomes(@Disposes ReplicaOutcomes outcomes) {
        outcomes.close();
    }

    void stop(@Observes ShutdownEvent event) {
        if (functions != null) {
            shares.close();
            functions.close();
            environments.close();
        }
    }
}
