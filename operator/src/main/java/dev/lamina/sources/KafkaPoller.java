package dev.lamina.sources;

import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.FunctionRef;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * A self-managed Kafka topic, read as Lambda reads it: one consumer in the mapping's group, whose partitions are each
 * a {@link StreamShard} (one batch at a time, in offset order, retried, bisected, discarded to the failure destination
 * by the mapping's rules). An offset is committed only once every record before it is settled, so a consumer that
 * stops, fails or loses a partition to another member of the group leaves the rest to be read again from there.
 *
 * <p>The consumer is used on its own thread only: the shards' checkpoints are committed from it, each loop and when a
 * partition is revoked (after its batches under way finished). A partition whose shard is full is paused, so the
 * consumer keeps polling (and stays in the group) while a slow function catches up. A partition's iterator age is the
 * age of the last record read from it, 0 once the consumer's fetch lag says it is caught up.
 *
 * <p>A missing function, unreachable brokers, a missing topic or refused credentials leave the mapping reporting the
 * problem, checked again with backoff, each distinct problem logged once.
 */
final class KafkaPoller implements Poller {
    private static final Logger LOG = Logger.getLogger(KafkaPoller.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration FUNCTION_RECHECK = Duration.ofSeconds(3);
    /** How long a request to the cluster may take before its brokers count as unreachable. */
    private static final Duration REQUEST = Duration.ofSeconds(10);
    /** A poll alone does not tell an unreachable cluster: one that returned nothing this long looks again. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(30);
    private static final Duration REPORT_SHARDS = Duration.ofSeconds(10);
    /** Closing waits for the batches under way (at most 15 minutes and a half), commits, then leaves the group. */
    private static final Duration FINISH = Duration.ofMinutes(17);

    /** A partition this consumer holds: its shard, the next offset to commit and the last record read. */
    private final class Held implements StreamShard.Checkpoints {
        final TopicPartition partition;
        final StreamShard shard;
        /** The offset to commit next, once the checkpoint moved; -1: nothing to commit. */
        final AtomicLong toCommit = new AtomicLong(-1);
        /** The timestamp of the last record read, for the iterator age; -1: none read. */
        long lastRead = -1;

        Held(TopicPartition partition) {
            this.partition = partition;
            this.shard = new StreamShard(shardId(partition), settings, function, this, with.clock());
        }

        @Override
        public void advanced(String shard, String position) {
            toCommit.accumulateAndGet(Long.parseLong(position) + 1, Math::max);
        }
    }

    private final Mapping mapping;
    private final SourceCollaborators with;
    private final EventSource.Kafka kafka;
    private final StreamSettings settings;
    private final Long startingTimestamp;
    private final KafkaRecords records;
    private final SourceMetrics metrics;
    private final StateReporter reporter;
    private final StreamFunction function;
    private final SourceHealth health;
    private final StopSignal stop = new StopSignal();
    /** The partitions held now; touched on the consumer's thread only. */
    private final Map<TopicPartition, Held> held = new HashMap<>();
    private String lastResult = MappingState.NO_RECORDS;
    private Thread thread;

    KafkaPoller(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSourceMappingSpec spec = mapping.spec();
        this.mapping = mapping;
        this.with = with;
        this.kafka = spec.source().kafka();
        this.settings = StreamSettings.of(spec);
        this.startingTimestamp = startingTimestamp(spec);
        this.records = new KafkaRecords(EventFilter.of(spec.filterCriteria()));
        this.metrics = metrics;
        this.reporter = new StateReporter(mapping, with.status());
        this.function = new StreamFunction(mapping, with, new KafkaShape(kafka.bootstrapServers()), metrics, reporter,
                settings.onFailure());
        this.health = new SourceHealth("Kafka topic " + kafka.topic() + " of mapping " + mapping.key());
    }

    private static Long startingTimestamp(EventSourceMappingSpec spec) {
        if (!"AT_TIMESTAMP".equals(spec.startingPosition())) {
            return null;
        }
        try {
            return OffsetDateTime.parse(spec.startingPositionTimestamp()).toInstant().toEpochMilli();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("startingPositionTimestamp is not an RFC 3339 time: "
                    + spec.startingPositionTimestamp(), e);
        }
    }

    @Override
    public void start() {
        // A platform thread: the consumer blocks in NIO selects, which would hold a virtual thread's carrier.
        thread = Thread.ofPlatform().daemon().name("lamina-kafka-" + mapping.key()).start(this::run);
    }

    /** Opens a consumer once the function exists and reads with it until it stops, fails or the function goes. */
    private void run() {
        while (!stop.stopped()) {
            if (!functionExists()) {
                stop.pause(FUNCTION_RECHECK);
                continue;
            }
            stop.pause(Duration.ofNanos(health.waitNanos(System.nanoTime())));
            if (stop.stopped()) {
                return;
            }
            KafkaConsumer<byte[], byte[]> consumer;
            try {
                consumer = new KafkaConsumer<>(KafkaClientConfig.of(mapping, with.secrets()));
            } catch (IllegalStateException e) {
                sourceFailed(new SourceProblem("AccessDenied", "the Secrets of the mapping cannot be used: "
                        + e.getMessage()));
                continue;
            } catch (KafkaException e) {
                sourceFailed(KafkaProblem.of(e, kafka.bootstrapServers()));
                continue;
            }
            try {
                consume(consumer);
            } catch (KafkaException e) {
                sourceFailed(KafkaProblem.of(e, kafka.bootstrapServers()));
            } finally {
                release(consumer, List.copyOf(held.keySet()), true);
                reporter.shards(metrics.shardLags());
                consumer.close(REQUEST);
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> consumer) {
        if (!topicExists(consumer)) {
            return;
        }
        health.ok();
        reporter.enabled(lastResult);
        consumer.subscribe(List.of(kafka.topic()), rebalances(consumer));
        long now = System.nanoTime();
        long functionCheck = now + FUNCTION_RECHECK.toNanos();
        long shardReport = now + REPORT_SHARDS.toNanos();
        long lastRecords = now;
        while (!stop.stopped()) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
            offer(consumer, polled);
            pauseFullShards(consumer);
            commit(consumer, held.keySet());
            now = System.nanoTime();
            if (!polled.isEmpty()) {
                health.received();
                lastRecords = now;
            } else if (now - lastRecords > IDLE_CHECK.toNanos()) {
                if (!topicExists(consumer)) {
                    return;
                }
                lastRecords = now;
            }
            if (now - shardReport > 0) {
                shardReport = now + REPORT_SHARDS.toNanos();
                held.values().forEach(h -> metrics.iteratorAge(h.shard.id(), iteratorAge(consumer, h)));
                reporter.shards(metrics.shardLags());
            }
            if (now - functionCheck > 0) {
                functionCheck = now + FUNCTION_RECHECK.toNanos();
                if (!functionExists()) {
                    return;
                }
            }
        }
    }

    /** Looks the topic up on the cluster: it answers, takes the credentials and has the topic. */
    private boolean topicExists(KafkaConsumer<byte[], byte[]> consumer) {
        if (consumer.listTopics(REQUEST).containsKey(kafka.topic())) {
            return true;
        }
        sourceFailed(KafkaProblem.topicNotFound(kafka.topic()));
        return false;
    }

    private void offer(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> polled) {
        for (TopicPartition partition : polled.partitions()) {
            Held holder = held.get(partition);
            long now = with.clock().millis();
            List<StreamRecord> read = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                read.add(records.of(record, now));
            }
            holder.lastRead = read.getLast().arrivalMillis();
            long age = iteratorAge(consumer, holder);
            metrics.iteratorAge(holder.shard.id(), age);
            holder.shard.offer(read, age);
            lastResult = MappingState.OK;
        }
    }

    /**
     * How far the partition's reading is behind its newest record: 0 when the consumer's fetch says it is caught up,
     * else the age of the last record read.
     */
    private long iteratorAge(KafkaConsumer<byte[], byte[]> consumer, Held holder) {
        OptionalLong lag = consumer.currentLag(holder.partition);
        if (holder.lastRead < 0 || lag.isPresent() && lag.getAsLong() == 0) {
            return 0;
        }
        return Math.max(0, with.clock().millis() - holder.lastRead);
    }

    /** Pauses the partitions whose shard holds enough, and resumes those that have room again. */
    private void pauseFullShards(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        held.forEach((partition, holder) -> {
            boolean room = holder.shard.hasRoom();
            if (!room && !paused.contains(partition)) {
                pause.add(partition);
            } else if (room && paused.contains(partition)) {
                resume.add(partition);
            }
        });
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Commits the checkpoints that moved, of partitions still held; one that fails is tried again next time. */
    private void commit(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Held holder = held.get(partition);
            long next = holder == null ? -1 : holder.toCommit.getAndSet(-1);
            if (next >= 0) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, REQUEST);
        } catch (KafkaException e) {
            LOG.debugf("mapping %s: committing %s failed (%s); tried again", mapping.key(), offsets, e.getMessage());
            offsets.forEach((partition, offset) -> {
                Held holder = held.get(partition);
                if (holder != null) {
                    holder.toCommit.accumulateAndGet(offset.offset(), Math::max);
                }
            });
        }
    }

    private ConsumerRebalanceListener rebalances(KafkaConsumer<byte[], byte[]> consumer) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                seekToStartingTimestamp(consumer, assigned);
                for (TopicPartition partition : assigned) {
                    held.computeIfAbsent(partition, p -> {
                        Held holder = new Held(p);
                        holder.shard.start();
                        metrics.iteratorAge(holder.shard.id(), 0);
                        return holder;
                    });
                }
                LOG.debugf("mapping %s: reads %s", mapping.key(), assigned);
                reporter.shards(metrics.shardLags());
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                release(consumer, revoked, true);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> lost) {
                // Another member holds them already: their checkpoints are no longer this consumer's to commit.
                release(consumer, lost, false);
            }
        };
    }

    /** AT_TIMESTAMP: a partition without a committed offset starts at the first record written since the time. */
    private void seekToStartingTimestamp(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> assigned) {
        if (startingTimestamp == null || assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned), REQUEST);
        Map<TopicPartition, Long> fresh = new HashMap<>();
        assigned.stream().filter(p -> committed.get(p) == null).forEach(p -> fresh.put(p, startingTimestamp));
        if (fresh.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(fresh, REQUEST);
        fresh.keySet().forEach(partition -> {
            OffsetAndTimestamp offset = found.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset.offset());
            } else {
                consumer.seekToEnd(List.of(partition));
            }
        });
    }

    /**
     * Closes the partitions' shards side by side (each waits for its batches under way), commits their checkpoints
     * if asked, and lets them go; what was not settled is read again from the committed offset.
     */
    private void release(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions,
                         boolean commit) {
        List<Thread> closing = partitions.stream().map(held::get).filter(h -> h != null)
                .map(h -> Thread.ofVirtual().name("lamina-kafka-close-" + h.shard.id()).start(h.shard::close))
                .toList();
        for (Thread closer : closing) {
            try {
                closer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (commit) {
            commit(consumer, partitions);
        }
        for (TopicPartition partition : partitions) {
            if (held.remove(partition) != null) {
                metrics.shardReleased(shardId(partition));
            }
        }
    }

    private boolean functionExists() {
        FunctionRef ref = mapping.function();
        if (with.functions().find(ref).isPresent()) {
            return true;
        }
        reporter.waiting("FunctionNotFound", "function " + ref.name()
                + (ref.qualifier() == null ? "" : ":" + ref.qualifier())
                + " does not exist in this namespace; the topic is read once it does");
        return false;
    }

    private void sourceFailed(SourceProblem problem) {
        health.failed(problem, System.nanoTime());
        reporter.problem(problem.reason(), problem.message());
    }

    /** A partition's shard id, as Lambda names partitions in its events: {@code topic-partition}. */
    private static String shardId(TopicPartition partition) {
        return partition.topic() + "-" + partition.partition();
    }

    @Override
    public void close() {
        stop.stop();
        try {
            if (thread != null && !thread.join(FINISH)) {
                LOG.warnf("mapping %s: its Kafka consumer was still closing when the poller closed", mapping.key());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            function.close();
        }
    }
}
