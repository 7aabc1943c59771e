package dev.lamina.cluster;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.sources.EventSources;
import dev.lamina.sources.Mapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.SourceCollaborators;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

/**
 * The event sources one replica polls while it holds the controller's Lease: every EventSourceMapping of the
 * cluster, watched, handed to its {@link EventSources}. {@link #follow()} stops them all; the next holder resumes from
 * what the sources and the mappings' statuses keep (undeleted messages come back, fired schedule ticks are in
 * {@code status.lastScheduledTick}).
 */
public final class LeaderSources implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaderSources.class);

    private final KubernetesClient client;
    private final SourceCollaborators with;
    private EventSources sources;
    private SharedIndexInformer<EventSourceMapping> mappings;

    public LeaderSources(KubernetesClient client, SourceCollaborators with) {
        this.client = client;
        this.with = with;
    }

    /** This replica leads: poll every mapping. */
    public synchronized void lead() {
        if (sources != null) {
            return;
        }
        LOG.info("This replica holds the Lease: it polls the event sources");
        EventSources polled = new EventSources(with);
        sources = polled;
        mappings = client.resources(EventSourceMapping.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EventSourceMapping mapping) {
                polled.put(mapping(mapping));
            }

            @Override
            public void onUpdate(EventSourceMapping before, EventSourceMapping after) {
                polled.put(mapping(after));
            }

            @Override
            public void onDelete(EventSourceMapping mapping, boolean finalStateUnknown) {
                polled.remove(key(mapping));
            }
        });
    }

    /** This replica no longer leads: stop every poller. */
    public synchronized void follow() {
        if (sources != null) {
            mappings.close();
            sources.close();
            sources = null;
        }
    }

    @Override
    public void close() {
        follow();
    }

    private static Mapping mapping(EventSourceMapping mapping) {
        Long generation = mapping.getMetadata().getGeneration();
        return new Mapping(key(mapping), generation == null ? 0 : generation, mapping.getSpec());
    }

    private static MappingKey key(EventSourceMapping mapping) {
        return new MappingKey(mapping.getMetadata().getNamespace(), mapping.getMetadata().getName());
    }
}
