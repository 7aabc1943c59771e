package dev.lamina.cluster;

import dev.lamina.controller.ControllerConfig;
import dev.lamina.controller.Leadership;
import dev.lamina.controller.MappingStates;
import dev.lamina.gateway.AsyncEvents;
import dev.lamina.gateway.Accounts;
import dev.lamina.gateway.GatewayConfig;
import dev.lamina.sources.SourceCollaborators;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.InstantSource;

/**
 * Cluster mode of the event sources: exactly one replica polls them, the one holding the controller's Lease (a
 * replica that loses it stops its pollers, and outside tests exits). Pollers invoke through this replica's gateway,
 * read credentials from Secrets and keep fired schedule ticks in each mapping's status.
 */
@ApplicationScoped
public class ClusterSources {
    private final ControllerConfig config;
    private final Leadership leadership;
    private final LeaderSources sources;

    public ClusterSources(ControllerConfig config, KubernetesClient client, Leadership leadership,
                          AsyncEvents async, MappingStates states, MeterRegistry registry, GatewayConfig gateway,
                          Accounts accounts) {
        this.config = config;
        this.leadership = leadership;
        SecretCredentials secrets = new SecretCredentials(client);
        this.sources = new LeaderSources(client, new SourceCollaborators(async.functions(), async.invocations(),
                async::enqueue, secrets, secrets, new StatusTickStore(client),
                new StatusCheckpointStore(client), states, registry,
                InstantSource.system(), gateway.region(), accounts::accountId));
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            leadership.onChange(leads -> {
                if (leads) {
                    sources.lead();
                } else {
                    sources.follow();
                }
            });
            if (leadership.leads()) {
                sources.lead();
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        sources.close();
    }
}
