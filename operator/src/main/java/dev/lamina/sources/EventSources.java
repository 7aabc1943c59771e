package dev.lamina.sources;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The mappings this process polls: one {@link Poller} per enabled mapping, replaced when its spec changes, stopped when
 * it is disabled or gone. The mode's room feeds it (local mode from the directory; in a cluster, the Lease holder from
 * informers) and it reports each mapping's state to the {@link MappingStatusSink}. Stopping a poller waits for its
 * invocation under way, so stops run on threads of their own and never hold up the feeder; a replacement starts once
 * its predecessor stopped.
 */
public final class EventSources implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventSources.class);

    private final SourceCollaborators with;
    private final Map<MappingKey, Running> running = new HashMap<>();
    /** One set of meters per mapping, outliving its pollers: a replaced poller shares them with the next. */
    private final Map<MappingKey, SourceMetrics> metrics = new HashMap<>();
    private final ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor();

    private record Running(Mapping mapping, Poller poller) {
    }

    public EventSources(SourceCollaborators with) {
        this.with = with;
    }

    /** Makes these the mappings polled: every other one stops. */
    public synchronized void apply(Collection<Mapping> mappings) {
        Set<MappingKey> keep = new HashSet<>();
        mappings.forEach(m -> keep.add(m.key()));
        List.copyOf(running.keySet()).stream().filter(k -> !keep.contains(k)).forEach(this::remove);
        mappings.forEach(this::put);
    }

    /** Adds or changes one mapping. */
    public synchronized void put(Mapping mapping) {
        Running current = running.get(mapping.key());
        if (current != null && Objects.equals(current.mapping().spec(), mapping.spec())) {
            return;
        }
        MappingKey key = mapping.key();
        long generation = mapping.generation();
        Runnable afterStop = () -> { };
        Poller poller = Pollers.NONE;
        if (!mapping.spec().enabled()) {
            with.status().report(key, MappingState.of(MappingState.State.Disabling, null, generation));
            afterStop = () -> with.status().report(key, MappingState.of(MappingState.State.Disabled, null,
                    generation));
        } else {
            with.status().report(key, MappingState.of(MappingState.State.Creating, null, generation));
            try {
                poller = Pollers.create(mapping, with, metricsOf(mapping));
            } catch (IllegalArgumentException invalid) {
                with.status().report(key, MappingState.failing(MappingState.State.Failed, "InvalidConfiguration",
                        invalid.getMessage(), generation));
            }
        }
        running.put(key, new Running(mapping, poller));
        if (current != null) {
            // The replacement starts once its predecessor stopped: two pollers of one stream would read its shards
            // twice and out of order, and the new one must read the checkpoints the old one left.
            Runnable stopped = afterStop;
            Poller next = poller;
            stopThen(current, () -> {
                stopped.run();
                next.start();
            });
        } else {
            afterStop.run();
            poller.start();
        }
    }

    /** Stops polling a mapping that is gone. */
    public synchronized void remove(MappingKey key) {
        Running gone = running.remove(key);
        SourceMetrics meters = metrics.remove(key);
        if (gone != null) {
            stopThen(gone, () -> {
                if (meters != null) {
                    meters.close();
                }
            });
        }
    }

    /** The mapping's meters, made anew when it invokes another function (the function is one of their tags). */
    private SourceMetrics metricsOf(Mapping mapping) {
        SourceMetrics current = metrics.get(mapping.key());
        if (current != null && current.function().equals(mapping.spec().function())) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        SourceMetrics fresh = new SourceMetrics(with.registry(), mapping);
        metrics.put(mapping.key(), fresh);
        return fresh;
    }

    private void stopThen(Running running, Runnable then) {
        stops.execute(() -> {
            try {
                running.poller().close();
            } catch (RuntimeException e) {
                LOG.warnf(e, "stopping the poller of %s failed", running.mapping().key());
            }
            then.run();
        });
    }

    @Override
    public synchronized void close() {
        running.values().forEach(r -> stopThen(r, () -> { }));
        running.clear();
        stops.close();
        metrics.values().forEach(SourceMetrics::close);
        metrics.clear();
    }
}
