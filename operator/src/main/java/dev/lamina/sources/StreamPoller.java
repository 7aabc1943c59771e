package dev.lamina.sources;

import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.FunctionRef;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A Kinesis data stream or a DynamoDB stream, read as Lambda reads it: every shard by a {@link ShardReader} of its own
 * into a {@link StreamShard}, which batches, invokes, retries and checkpoints. A supervisor checks that the function
 * exists, lists the shards every few seconds, starts each once its parents are done ({@link ShardLineage}), and
 * reports the shards read and their iterator age.
 *
 * <p>Checkpoints go to the {@link CheckpointStore} through a {@link CheckpointWriter}; a shard read to its end is
 * recorded {@link CheckpointStore#SHARD_END} before its children start, and the checkpoints of shards gone from the
 * stream, with their children, are forgotten. A stream that is missing or refuses the credentials is retried with
 * backoff, its problem in the mapping's status.
 *
 * <p>Closing stops the readers, waits for the batches under way, and writes the last checkpoints: a new poller of the
 * mapping goes on after them.
 */
final class StreamPoller implements Poller {
    private static final Logger LOG = Logger.getLogger(StreamPoller.class);
    private static final Duration DISCOVER = Duration.ofSeconds(5);
    private static final Duration REPORT_SHARDS = Duration.ofSeconds(10);
    private static final Duration FUNCTION_RECHECK = Duration.ofSeconds(3);

    /** Opens the mapping's stream with the credentials found for it. */
    @FunctionalInterface
    interface Opener {
        ShardStream open(AwsCredentialsProvider credentials);
    }

    private final Mapping mapping;
    private final SourceCollaborators with;
    private final EventSource.Stream source;
    private final Opener opener;
    private final StreamSettings settings;
    private final ShardStream.StartAt startingPosition;
    private final SourceMetrics metrics;
    private final StateReporter reporter;
    private final SourceHealth health;
    private final StreamFunction function;
    private final StopSignal stop = new StopSignal();
    /** Wakes the supervisor early: a shard ended (its children may start), or the poller closes. */
    private final Semaphore wake = new Semaphore(0);
    private final Map<String, ShardReader> readers = new ConcurrentHashMap<>();
    /** The ending sequence numbers of the closed shards listed. */
    private final Map<String, String> endings = new ConcurrentHashMap<>();
    private final ShardReader.Owner owner = new ShardReader.Owner() {
        @Override
        public void failed(SourceProblem problem) {
            sourceFailed(problem);
        }

        @Override
        public String endingOf(String shard) {
            return endings.get(shard);
        }

        @Override
        public void ended(String shard) {
            checkpoints.ended(shard);
            metrics.shardReleased(shard);
            lineage.ended(shard);
            wake.release();
        }
    };
    private Thread supervisor;
    private volatile ShardStream stream;
    private volatile CheckpointWriter checkpoints;
    private volatile ShardLineage lineage;
    /** The mapping reported a problem or a wait: it reports Enabled again once the stream answers. */
    private volatile boolean troubled = true;

    private StreamPoller(Mapping mapping, SourceCollaborators with, SourceMetrics metrics, EventSource.Stream source,
                         boolean timestamps, StreamShape shape, Opener opener) {
        EventSourceMappingSpec spec = mapping.spec();
        this.mapping = mapping;
        this.with = with;
        this.source = source;
        this.opener = opener;
        this.settings = StreamSettings.of(spec);
        this.startingPosition = startingPosition(spec, timestamps);
        this.metrics = metrics;
        this.reporter = new StateReporter(mapping, with.status());
        this.health = new SourceHealth("stream " + source.streamArn() + " of mapping " + mapping.key());
        this.function = new StreamFunction(mapping, with, shape, metrics, reporter, settings.onFailure());
    }

    static StreamPoller kinesis(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSource.Stream source = mapping.spec().source().kinesis();
        StreamArn arn = StreamArn.kinesis(source.streamArn());
        String region = region(source, arn);
        String account = with.accountIds().apply(mapping.key().namespace());
        KinesisRecords records = KinesisRecords.of(arn, region, account,
                EventFilter.of(mapping.spec().filterCriteria()));
        return new StreamPoller(mapping, with, metrics, source, true, AwsStreamShape.kinesis(arn.arn()),
                credentials -> KinesisShardStream.open(source.endpoint(), region, credentials, records));
    }

    static StreamPoller dynamoDb(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSource.Stream source = mapping.spec().source().dynamodbStreams();
        StreamArn arn = StreamArn.dynamoDb(source.streamArn());
        String region = region(source, arn);
        DynamoDbRecords records = new DynamoDbRecords(arn.arn(), region,
                EventFilter.of(mapping.spec().filterCriteria()));
        return new StreamPoller(mapping, with, metrics, source, false, AwsStreamShape.dynamoDb(arn.arn()),
                credentials -> DynamoDbShardStream.open(source.endpoint(), region, credentials, records, with.clock()));
    }

    /** The source's region, by default the ARN's. */
    private static String region(EventSource.Stream source, StreamArn arn) {
        String region = source.region() != null ? source.region() : arn.region();
        if (region.isBlank()) {
            throw new IllegalArgumentException("streamArn " + arn.arn() + " names no region, and the source none");
        }
        return region;
    }

    private static ShardStream.StartAt startingPosition(EventSourceMappingSpec spec, boolean timestamps) {
        return switch (spec.startingPosition()) {
            case null -> throw new IllegalArgumentException("startingPosition is required for streams");
            case "TRIM_HORIZON" -> new ShardStream.StartAt.TrimHorizon();
            case "LATEST" -> new ShardStream.StartAt.Latest();
            case "AT_TIMESTAMP" -> {
                if (!timestamps) {
                    throw new IllegalArgumentException("DynamoDB streams start at TRIM_HORIZON or LATEST; "
                            + "AT_TIMESTAMP is for Kinesis");
                }
                if (spec.startingPositionTimestamp() == null) {
                    throw new IllegalArgumentException("startingPosition AT_TIMESTAMP needs startingPositionTimestamp");
                }
                try {
                    yield new ShardStream.StartAt.AtTimestamp(
                            OffsetDateTime.parse(spec.startingPositionTimestamp()).toInstant());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("startingPositionTimestamp is not an RFC 3339 time: "
                            + e.getMessage(), e);
                }
            }
            default -> throw new IllegalArgumentException("startingPosition " + spec.startingPosition()
                    + " is none of TRIM_HORIZON, LATEST, AT_TIMESTAMP");
        };
    }

    @Override
    public synchronized void start() {
        // A poller closed before it started (replaced again meanwhile) makes nothing.
        if (stop.stopped()) {
            return;
        }
        checkpoints = new CheckpointWriter(mapping.key(), with.checkpoints());
        supervisor = Thread.ofVirtual().name("lamina-stream-" + mapping.key()).start(this::supervise);
    }

    /** Checks the function and the stream, starts the shards that are ready, and reports them. */
    private void supervise() {
        long shardsReported = System.nanoTime() - REPORT_SHARDS.toNanos();
        while (!stop.stopped()) {
            FunctionRef ref = mapping.function();
            if (with.functions().find(ref).isEmpty()) {
                troubled = true;
                reporter.waiting("FunctionNotFound", "function " + ref.name()
                        + (ref.qualifier() == null ? "" : ":" + ref.qualifier())
                        + " does not exist in this namespace; the stream is read once it does");
                stop.pause(FUNCTION_RECHECK);
                continue;
            }
            stop.pause(Duration.ofNanos(health.waitNanos(System.nanoTime())));
            if (stop.stopped()) {
                return;
            }
            List<ShardStream.Shard> listed = list();
            if (listed != null) {
                discover(listed);
                if (System.nanoTime() - shardsReported >= REPORT_SHARDS.toNanos()) {
                    reporter.shards(metrics.shardLags());
                    shardsReported = System.nanoTime();
                }
            }
            try {
                wake.tryAcquire(DISCOVER.toNanos(), TimeUnit.NANOSECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The shards listed now, opening the stream and loading the checkpoints first; null when that failed. */
    private List<ShardStream.Shard> list() {
        if (stream == null) {
            AwsCredentialsProvider credentials;
            try {
                credentials = AwsClients.credentials(with, mapping.key().namespace(), source.credentialsSecret());
            } catch (SourceProblem.Refused refused) {
                sourceFailed(refused.problem());
                return null;
            }
            try {
                stream = opener.open(credentials);
            } catch (RuntimeException e) {
                sourceFailed(new SourceProblem("SourceUnreachable", "no client for the stream: " + e.getMessage()));
                return null;
            }
        }
        if (lineage == null) {
            try {
                lineage = new ShardLineage(with.checkpoints().load(mapping.key()), startingPosition);
            } catch (RuntimeException e) {
                sourceFailed(new SourceProblem("CheckpointsUnavailable", "the checkpoints could not be read: "
                        + e.getMessage()));
                return null;
            }
        }
        List<ShardStream.Shard> listed;
        try {
            listed = stream.shards();
        } catch (SdkException e) {
            sourceFailed(SourceProblem.of(e));
            return null;
        }
        health.ok();
        if (troubled) {
            troubled = false;
            reporter.resumed();
        }
        return listed;
    }

    /** Starts the shards that may start now and forgets the checkpoints of those gone with their children. */
    private void discover(List<ShardStream.Shard> listed) {
        listed.stream().filter(ShardStream.Shard::closed)
                .forEach(s -> endings.put(s.id(), s.endingSequenceNumber()));
        for (ShardLineage.Start start : lineage.ready(listed)) {
            StreamShard shard = new StreamShard(start.shard(), settings, function, checkpoints, with.clock());
            ShardReader reader = new ShardReader(start.shard(), start.at(), stream, shard, health, metrics, stop,
                    owner);
            readers.put(start.shard(), reader);
            LOG.debugf("mapping %s: reading shard %s from %s", mapping.key(), start.shard(), start.at());
            reader.start();
        }
        for (String gone : lineage.forgettable(listed)) {
            checkpoints.forget(gone);
            endings.remove(gone);
            readers.remove(gone);
        }
    }

    private void sourceFailed(SourceProblem problem) {
        health.failed(problem, System.nanoTime());
        troubled = true;
        reporter.problem(problem.reason(), problem.message());
    }

    @Override
    public void close() {
        synchronized (this) {
            stop.stop();
        }
        wake.release();
        try {
            if (supervisor != null) {
                supervisor.join(ShardStream.CALL_TIMEOUT.multipliedBy(3));
            }
            // Every shard at once: each waits for its own batches under way.
            List<Thread> closing = new ArrayList<>();
            readers.values().forEach(r -> closing.add(Thread.ofVirtual().start(r::close)));
            for (Thread thread : closing) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readers.keySet().forEach(metrics::shardReleased);
            if (checkpoints != null) {
                checkpoints.close();
            }
            ShardStream open = stream;
            if (open != null) {
                open.close();
            }
            function.close();
        }
    }
}
