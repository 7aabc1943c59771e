package dev.lamina.sources;

/**
 * A record read from a shard (Kinesis, DynamoDB) or partition (Kafka), in the order the shard holds it.
 *
 * @param position      where it sits in its shard: the sequence number, or the Kafka offset; a checkpoint names the
 *                      last record done, and under {@code ReportBatchItemFailures} it is the record's identifier
 * @param orderKey      records with the same key stay in order across a shard's concurrent batches: the partition
 *                      key, the item's keys, the Kafka record's key
 * @param arrivalMillis when the stream took it (approximate arrival, creation time, Kafka timestamp): record age,
 *                      tumbling windows and the iterator age are counted from it
 * @param record        the record as the function gets it, serialized once
 * @param matched       whether it passes the mapping's filters; one that does not is skipped and checkpointed past
 */
record StreamRecord(String position, String orderKey, long arrivalMillis, byte[] record, boolean matched) {
}
