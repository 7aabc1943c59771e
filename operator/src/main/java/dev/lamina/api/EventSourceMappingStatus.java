package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** What the operator observed about an EventSourceMapping. */
@JsonClassDescription("What Lamina observed about the mapping: conditions, state, source kind and the last batch's outcome.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventSourceMappingStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
        @JsonPropertyDescription("Lambda's mapping state: Creating, Enabled, Disabling, Disabled or Failed (the conditions say why).")
        String state,
        @JsonPropertyDescription("The source kind: sqs, kafka, kinesis, dynamodbStreams or schedule.") String sourceType,
        @JsonPropertyDescription("The batch size the mapping asks for: the configured one or the source's default.")
        Integer batchSize,
        @JsonPropertyDescription("Lambda's LastProcessingResult: No records processed, OK, or PROBLEM: and what went wrong.")
        String lastProcessingResult,
        @JsonPropertyDescription("Schedules: the last tick fired (RFC 3339), so a tick fires once across restarts and failovers.")
        String lastScheduledTick,
        @JsonPropertyDescription("Streams and Kafka: how many shards or partitions this mapping reads now.")
        Integer shardCount,
        @JsonPropertyDescription("Streams and Kafka: each shard or partition read and how far behind its newest record the reading is.")
        List<ShardStatus> shards,
        @JsonPropertyDescription("Kinesis and DynamoDB streams: the last sequence number done per shard (SHARD_END once a closed shard is done); polling resumes after it across restarts and failovers.")
        Map<String, String> checkpoints) implements HasConditions {

    /** One shard's or partition's reading. */
    public record ShardStatus(
            @JsonPropertyDescription("The shard id, or topic-partition for Kafka.") String id,
            @JsonPropertyDescription("Lambda's IteratorAge: milliseconds between the newest record in the shard and the last one read.")
            Long iteratorAgeMilliseconds) {
    }
}
