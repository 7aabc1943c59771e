package dev.lamina.sources;

import java.time.Duration;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reads one shard in order, on a thread of its own, and offers what it reads to the shard's {@link StreamShard}: an
 * iterator from where the shard starts, then reads while the shard has room. A read that finds nothing waits a little
 * (Kinesis allows five reads a second per shard); an expired iterator is replaced by one after the last record
 * offered; a throttled read backs off. Once the shard is read to its end and everything of it is settled, the owner
 * is told, so that its children may start.
 */
final class ShardReader {
    private static final Logger LOG = Logger.getLogger(ShardReader.class);
    /** The pause after a read that found nothing new. */
    private static final Duration IDLE = Duration.ofMillis(500);
    /** At most five reads a second, the shard's limit. */
    private static final Duration SPACING = Duration.ofMillis(200);

    /** The poller, as a reader sees it. */
    interface Owner {
        /** The stream could not be read; every reader waits out the source's backoff. */
        void failed(SourceProblem problem);

        /** The ending sequence number of the shard once the listing shows it closed, else null. */
        String endingOf(String shard);

        /** The shard was read to its end and everything of it is settled. */
        void ended(String shard);
    }

    private final String shardId;
    private final ShardStream stream;
    private final StreamShard shard;
    private final SourceHealth health;
    private final SourceMetrics metrics;
    private final StopSignal stop;
    private final Owner owner;
    private ShardStream.StartAt resumeAt;
    private Thread thread;

    ShardReader(String shardId, ShardStream.StartAt start, ShardStream stream, StreamShard shard, SourceHealth health,
                SourceMetrics metrics, StopSignal stop, Owner owner) {
        this.shardId = shardId;
        this.resumeAt = start;
        this.stream = stream;
        this.shard = shard;
        this.health = health;
        this.metrics = metrics;
        this.stop = stop;
        this.owner = owner;
    }

    void start() {
        shard.start();
        thread = Thread.ofVirtual().name("lamina-shard-reader-" + shardId).start(this::run);
    }

    private void run() {
        Backoff throttled = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
        String iterator = null;
        long lastRead = System.nanoTime() - SPACING.toNanos();
        try {
            while (!stop.stopped() && shard.awaitRoom()) {
                stop.pause(Duration.ofNanos(Math.max(health.waitNanos(System.nanoTime()),
                        lastRead + SPACING.toNanos() - System.nanoTime())));
                if (stop.stopped()) {
                    return;
                }
                try {
                    if (iterator == null) {
                        iterator = stream.iterator(shardId, resumeAt);
                    }
                    lastRead = System.nanoTime();
                    switch (stream.read(shardId, iterator)) {
                        case ShardStream.Read.Expired expired -> iterator = null;
                        case ShardStream.Read.Records read -> {
                            health.received();
                            throttled.reset();
                            shard.offer(read.records(), read.millisBehind());
                            metrics.iteratorAge(shardId, read.millisBehind());
                            if (!read.records().isEmpty()) {
                                resumeAt = new ShardStream.StartAt.After(read.records().getLast().position());
                            }
                            if (atEnd(read)) {
                                finish();
                                return;
                            }
                            iterator = read.next();
                            if (read.records().isEmpty()) {
                                stop.pause(IDLE);
                            }
                        }
                    }
                } catch (SdkException e) {
                    if (e instanceof AwsServiceException service && service.isThrottlingException()) {
                        stop.pause(throttled.next());
                    } else if (!stop.stopped()) {
                        // Once the source answers again, a fresh iterator after the last record offered.
                        iterator = null;
                        owner.failed(SourceProblem.of(e));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "shard %s stopped reading", shardId);
        }
    }

    /**
     * Whether the shard was read to its end: the stream gives no next iterator. A server that keeps giving iterators
     * past a closed shard's end (moto) is read to the end when a read finds nothing and the last record offered is at
     * or past the shard's ending sequence number, which no record of the shard exceeds.
     */
    private boolean atEnd(ShardStream.Read.Records read) {
        if (read.next() == null) {
            return true;
        }
        String ending = owner.endingOf(shardId);
        return read.records().isEmpty() && ending != null && resumeAt instanceof ShardStream.StartAt.After after
                && atOrPast(after.sequenceNumber(), ending);
    }

    /** Compares sequence numbers, decimal strings of any length. */
    private static boolean atOrPast(String sequenceNumber, String ending) {
        return sequenceNumber.length() != ending.length() ? sequenceNumber.length() > ending.length()
                : sequenceNumber.compareTo(ending) >= 0;
    }

    private void finish() throws InterruptedException {
        shard.end();
        if (shard.awaitSettled()) {
            owner.ended(shardId);
        }
    }

    /** Stops reading, waits for the batches under way, and for the reader to end. */
    void close() {
        shard.close();
        if (thread != null) {
            try {
                if (!thread.join(Duration.ofMinutes(1))) {
                    LOG.warnf("shard %s: its reader did not stop within a minute", shardId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
