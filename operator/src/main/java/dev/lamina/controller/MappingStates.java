package dev.lamina.controller;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.MappingState;
import dev.lamina.sources.MappingStatusSink;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the pollers of this replica report about each mapping. A report re-reconciles its EventSourceMapping, so the
 * reconciler is the one writer of the mapping's status: the pollers' state and the validation it does itself.
 */
@Singleton
public class MappingStates implements MappingStatusSink {
    private final Map<MappingKey, MappingState> states = new ConcurrentHashMap<>();
    private final SimpleInboundEventSource<EventSourceMapping> changes = new SimpleInboundEventSource<>();

    @Override
    public void report(MappingKey mapping, MappingState state) {
        states.put(mapping, state);
        changes.propagateEvent(new ResourceID(mapping.name(), mapping.namespace()));
    }

    public Optional<MappingState> of(MappingKey mapping) {
        return Optional.ofNullable(states.get(mapping));
    }

    void forget(MappingKey mapping) {
        states.remove(mapping);
    }

    /** The event source the reconciler registers, through which reports reach it. */
    SimpleInboundEventSource<EventSourceMapping> changes() {
        return changes;
    }
}
