package dev.lamina.cluster;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.TickStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.Optional;

/**
 * Fired schedule ticks in the mapping's own status ({@code status.lastScheduledTick}): the API server is what a new
 * Lease holder reads after a failover, so a tick fires once across replicas. Written with a merge patch of that one
 * field, which the reconciler's status updates carry over.
 */
public final class StatusTickStore implements TickStore {
    private final KubernetesClient client;

    public StatusTickStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Instant> lastFired(MappingKey schedule) {
        EventSourceMapping mapping = client.resources(EventSourceMapping.class).inNamespace(schedule.namespace())
                .withName(schedule.name()).get();
        return Optional.ofNullable(mapping).map(EventSourceMapping::getStatus)
                .map(s -> s.lastScheduledTick()).map(Instant::parse);
    }

    @Override
    public void fired(MappingKey schedule, Instant tick) {
        client.resources(EventSourceMapping.class).inNamespace(schedule.namespace()).withName(schedule.name())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"lastScheduledTick\":\"" + tick + "\"}}");
    }
}
