package dev.lamina.sources;

import java.util.Map;

/**
 * Where Kinesis and DynamoDB stream mappings keep their checkpoints, durably, so that polling resumes where it stopped
 * after a restart or a failover: in the mapping's own status ({@code status.checkpoints}) in a cluster, which a new
 * Lease holder reads and which goes away with the mapping; in a file under {@code <dir>/.lamina/checkpoints} locally.
 * (Kafka mappings commit offsets to their consumer group instead, as Lambda does.)
 */
public interface CheckpointStore {
    /** The value of a shard read to its end and fully processed: its children may start. */
    String SHARD_END = "SHARD_END";

    /** Every shard's checkpoint: the position of the last record done, or {@link #SHARD_END}. */
    Map<String, String> load(MappingKey mapping);

    /** Records checkpoints that moved (a null value forgets a shard); returns only once they are durable. */
    void save(MappingKey mapping, Map<String, String> moved);
}
