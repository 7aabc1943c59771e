package dev.lamina.sources;

import java.util.List;
import java.util.Objects;

/** One mapping's reports to the {@link MappingStatusSink}, sent only when something changed: never a flood. */
final class StateReporter {
    private final Mapping mapping;
    private final MappingStatusSink sink;
    private MappingState last;
    private List<MappingState.ShardLag> shards;
    private volatile String lastResult = MappingState.NO_RECORDS;

    StateReporter(Mapping mapping, MappingStatusSink sink) {
        this.mapping = mapping;
        this.sink = sink;
    }

    /** Polling as asked; {@code lastProcessingResult} as Lambda words it. */
    void enabled(String lastProcessingResult) {
        lastResult = lastProcessingResult;
        report(MappingState.of(MappingState.State.Enabled, lastProcessingResult, mapping.generation()));
    }

    /** Polling again after a problem or a wait, with the processing result last reported. */
    void resumed() {
        enabled(lastResult);
    }

    /** Not polling yet: something it needs is missing (the function, say); it starts once that is there. */
    void waiting(String reason, String message) {
        report(MappingState.failing(MappingState.State.Creating, reason, message, mapping.generation()));
    }

    /** Polling, but the source or the function fails: retried with backoff. */
    void problem(String reason, String message) {
        report(MappingState.failing(MappingState.State.Enabled, reason, message, mapping.generation()));
    }

    /** The shards or partitions read now and their lag; sent with every state from now on. */
    synchronized void shards(List<MappingState.ShardLag> read) {
        shards = List.copyOf(read);
        if (last != null) {
            report(last);
        }
    }

    private synchronized void report(MappingState reported) {
        MappingState state = reported.withShards(shards);
        if (!Objects.equals(state, last)) {
            last = state;
            sink.report(mapping.key(), state);
        }
    }
}
