package dev.lamina.sources;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stream read shard by shard, as Kinesis and DynamoDB Streams both offer it: shards with parents, iterators and
 * reads. Calls throw the SDK's {@code SdkException} when the stream cannot be read.
 */
interface ShardStream extends AutoCloseable {
    /** One call's limit, connection included; a read answers at once, so this is plenty. */
    Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Connections: one per shard read at once, and the listing. */
    int MAX_CONNECTIONS = 500;

    /**
     * A shard as the stream lists it.
     *
     * @param endingSequenceNumber set once the shard is closed (split, merged, or rolled over by DynamoDB)
     */
    record Shard(String id, String parent, String adjacentParent, String endingSequenceNumber) {

        /** The shards this one was split or merged from: it is read after them. */
        List<String> parents() {
            return Stream.of(parent, adjacentParent).filter(p -> p != null && !p.isEmpty()).toList();
        }

        boolean closed() {
            return endingSequenceNumber != null;
        }
    }

    /** Where reading a shard starts. */
    sealed interface StartAt {
        /** After a record: the checkpoint, or the last record read before an iterator expired. */
        record After(String sequenceNumber) implements StartAt {
        }

        record TrimHorizon() implements StartAt {
        }

        record Latest() implements StartAt {
        }

        record AtTimestamp(Instant timestamp) implements StartAt {
        }
    }

    /** What a read gave. */
    sealed interface Read {
        /**
         * Records in order, and where to read next.
         *
         * @param next         null once a closed shard was read to its end
         * @param millisBehind how far the read is behind the shard's newest record
         */
        record Records(List<StreamRecord> records, String next, long millisBehind) implements Read {
        }

        /** The iterator expired (it was not used for 5 minutes): the read goes on with a new one. */
        record Expired() implements Read {
        }
    }

    /** Every shard listed now, closed ones included while their records are kept. */
    List<Shard> shards();

    String iterator(String shard, StartAt at);

    Read read(String shard, String iterator);

    @Override
    void close();
}
