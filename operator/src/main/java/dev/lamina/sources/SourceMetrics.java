package dev.lamina.sources;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One mapping's metrics, with Lambda's event source mapping metric names: records polled, filtered out, invoked,
 * failed, dropped, delivered to the on-failure destination, the age of the oldest record last read, and for streams
 * the {@code IteratorAge}: how far, in milliseconds, the furthest-behind shard's reading is from its newest record.
 */
final class SourceMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final String function;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter polled;
    private final Counter filteredOut;
    private final Counter invoked;
    private final Counter failedInvoke;
    private final Counter dropped;
    private final Counter onFailureDelivered;
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Map<String, Long> iteratorAges = new ConcurrentHashMap<>();

    SourceMetrics(MeterRegistry registry, Mapping mapping) {
        this.registry = registry;
        this.function = mapping.spec().function();
        Tags tags = Tags.of("namespace", mapping.key().namespace(), "event_source_mapping", mapping.key().name(),
                "function_name", mapping.spec().function());
        polled = counter("PolledEventCount", tags);
        filteredOut = counter("FilteredOutEventCount", tags);
        invoked = counter("InvokedEventCount", tags);
        failedInvoke = counter("FailedInvokeEventCount", tags);
        dropped = counter("DroppedEventCount", tags);
        onFailureDelivered = counter("OnFailureDestinationDeliveredEventCount", tags);
        meters.add(Gauge.builder("OldestRecordAge", oldestAgeMillis, a -> a.get() / 1000.0)
                .description("Age in seconds of the oldest record of the last batch read")
                .baseUnit("seconds").tags(tags).register(registry));
        meters.add(Gauge.builder("IteratorAge", iteratorAges,
                        ages -> ages.values().stream().mapToLong(Long::longValue).max().orElse(0))
                .description("Milliseconds between the newest record of a shard and the last one read, "
                        + "for the furthest-behind shard")
                .baseUnit("milliseconds").tags(tags).register(registry));
    }

    private Counter counter(String name, Tags tags) {
        Counter counter = Counter.builder(name).tags(tags).register(registry);
        meters.add(counter);
        return counter;
    }

    /** The function the meters are tagged with. */
    String function() {
        return function;
    }

    void polled(int records) {
        polled.increment(records);
    }

    void filteredOut(int records) {
        filteredOut.increment(records);
    }

    void invoked(int records) {
        invoked.increment(records);
    }

    void failedInvoke(int records) {
        failedInvoke.increment(records);
    }

    void dropped(int records) {
        dropped.increment(records);
    }

    void onFailureDelivered(int records) {
        onFailureDelivered.increment(records);
    }

    void oldestRecordAge(long millis) {
        oldestAgeMillis.set(millis);
    }

    /** How far a shard's reading is behind its newest record. */
    void iteratorAge(String shard, long millis) {
        iteratorAges.put(shard, Math.max(0, millis));
    }

    /** A shard no longer read here. */
    void shardReleased(String shard) {
        iteratorAges.remove(shard);
    }

    /** The shards read now, by id, with their iterator age. */
    List<MappingState.ShardLag> shardLags() {
        return iteratorAges.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new MappingState.ShardLag(e.getKey(), e.getValue())).toList();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
