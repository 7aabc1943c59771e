package dev.lamina.sources;

/**
 * Where a mapping's state goes: the EventSourceMapping's status in a cluster, the console in local mode. Called only
 * when the state changes, from any thread.
 */
@FunctionalInterface
public interface MappingStatusSink {
    void report(MappingKey mapping, MappingState state);
}
