package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Lambda's event source mapping: which source, which function, how records are batched, filtered and retried. */
@JsonClassDescription("Which source to poll, which Function (and qualifier) to invoke, and how records are batched, filtered and retried.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.batchSize) || !has(self.source.sqs) || !self.source.sqs.queueUrl.endsWith('.fifo') || self.batchSize <= 10",
        message = "batchSize for an SQS FIFO queue is at most 10")
@ValidationRule(value = "!has(self.batchSize) || !has(self.source.sqs) || self.source.sqs.queueUrl.endsWith('.fifo') || self.batchSize <= 10 || (has(self.maximumBatchingWindowSeconds) && self.maximumBatchingWindowSeconds >= 1)",
        message = "batchSize above 10 for SQS needs maximumBatchingWindowSeconds of at least 1")
@ValidationRule(value = "!has(self.maximumBatchingWindowSeconds) || !has(self.source.sqs) || !self.source.sqs.queueUrl.endsWith('.fifo')",
        message = "maximumBatchingWindowSeconds does not apply to SQS FIFO queues")
@ValidationRule(value = "!has(self.source.schedule) || (!has(self.batchSize) && !has(self.maximumBatchingWindowSeconds) && !has(self.filterCriteria) && !has(self.functionResponseTypes))",
        message = "a schedule invokes with one event: batchSize, maximumBatchingWindowSeconds, filterCriteria and functionResponseTypes do not apply")
@ValidationRule(value = "!(has(self.source.kinesis) || has(self.source.dynamodbStreams)) || has(self.startingPosition)",
        message = "startingPosition is required for Kinesis and DynamoDB streams")
@ValidationRule(value = "!has(self.startingPosition) || !(has(self.source.sqs) || has(self.source.schedule))",
        message = "startingPosition applies to streams and Kafka only")
@ValidationRule(value = "!has(self.startingPosition) || self.startingPosition != 'AT_TIMESTAMP' || has(self.startingPositionTimestamp)",
        message = "startingPosition AT_TIMESTAMP needs startingPositionTimestamp")
@ValidationRule(value = "has(self.source.kinesis) || has(self.source.dynamodbStreams) || !(has(self.parallelizationFactor) || has(self.tumblingWindowInSeconds))",
        message = "parallelizationFactor and tumblingWindowInSeconds apply to Kinesis and DynamoDB streams only")
@ValidationRule(value = "has(self.source.kinesis) || has(self.source.dynamodbStreams) || has(self.source.kafka) || !(has(self.bisectBatchOnFunctionError) || has(self.maximumRetryAttempts) || has(self.maximumRecordAgeInSeconds))",
        message = "bisectBatchOnFunctionError, maximumRetryAttempts and maximumRecordAgeInSeconds apply to Kinesis, DynamoDB streams and Kafka only")
@ValidationRule(value = "!has(self.destinationConfig) || !(has(self.source.sqs) || has(self.source.schedule))",
        message = "destinationConfig applies to streams and Kafka: an SQS queue sends failed messages to its own dead-letter queue (its redrive policy), and a schedule's invocations use the Function's async onFailure")
@ValidationRule(value = "!has(self.batchSize) || !has(self.source.dynamodbStreams) || self.batchSize <= 1000",
        message = "batchSize for a DynamoDB stream is at most 1000")
@ValidationRule(value = "!has(self.source.dynamodbStreams) || !has(self.startingPosition) || self.startingPosition != 'AT_TIMESTAMP'",
        message = "a DynamoDB stream starts at TRIM_HORIZON or LATEST; AT_TIMESTAMP is for Kinesis and Kafka")
@ValidationRule(value = "!has(self.destinationConfig) || !has(self.destinationConfig.onFailure) || !has(self.destinationConfig.onFailure.function)",
        message = "a mapping's onFailure destination is an SQS queue or an HTTP webhook")
@ValidationRule(value = "!has(self.scalingConfig) || has(self.source.sqs)",
        message = "scalingConfig.maximumConcurrency applies to SQS sources only")
public record EventSourceMappingSpec(
        @JsonPropertyDescription("Name of the Function in the same namespace.")
        @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
        @JsonPropertyDescription("Version number, alias name or $LATEST to invoke; default $LATEST.")
        @Pattern(Names.QUALIFIER) String qualifier,
        @JsonPropertyDescription("Whether the mapping should poll its source (false: state Disabled).")
        @Default("true") Boolean enabled,
        @JsonPropertyDescription("The queue, stream or schedule to read.")
        @Required EventSource source,
        @JsonPropertyDescription("Most records per invocation. Default 10 for SQS, 100 for Kafka, Kinesis and DynamoDB streams; at most 10 for SQS FIFO, 1000 for DynamoDB streams, 10000 otherwise.")
        @Min(1) @Max(10000) Integer batchSize,
        @JsonPropertyDescription("Seconds to gather records before invoking (0-300); default 0 (500 ms for Kafka).")
        @Min(0) @Max(300) Integer maximumBatchingWindowSeconds,
        @JsonPropertyDescription("ReportBatchItemFailures: the function may report which records failed.")
        @Size(max = 1) List<@Pattern("^ReportBatchItemFailures$") String> functionResponseTypes,
        @JsonPropertyDescription("Only records matching one of these EventBridge-style patterns are sent; SQS messages matching none are deleted, stream and Kafka records are skipped and checkpointed past.")
        FilterCriteria filterCriteria,
        @JsonPropertyDescription("Concurrency of the SQS poller.")
        ScalingConfig scalingConfig,
        @JsonPropertyDescription("Streams and Kafka: where each discarded batch (retries spent or records too old) is described, with Lambda's stream invocation record; an SQS queue or an HTTP webhook. Without it discarded records are dropped.")
        DestinationConfig destinationConfig,
        @JsonPropertyDescription("Streams and Kafka: where to start reading: TRIM_HORIZON (the oldest record), LATEST or AT_TIMESTAMP.")
        @Pattern("^(TRIM_HORIZON|LATEST|AT_TIMESTAMP)$") String startingPosition,
        @JsonPropertyDescription("The RFC 3339 time to start at, with AT_TIMESTAMP, e.g. 2025-01-31T08:00:00Z.")
        @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
        String startingPositionTimestamp,
        @JsonPropertyDescription("Kinesis and DynamoDB streams: concurrent batches per shard (1-10); records with the same partition key (item keys) stay in order. With a tumbling window a shard runs one batch at a time, its state being per shard.")
        @Min(1) @Max(10) Integer parallelizationFactor,
        @JsonPropertyDescription("Streams and Kafka: split a batch the function failed in two and retry each half; splitting spends no retry.")
        Boolean bisectBatchOnFunctionError,
        @JsonPropertyDescription("Streams and Kafka: retries of a batch the function failed, before it is discarded (-1 = until its records expire, up to 10000; a Kafka mapping with a destination stops at 10 as on Lambda). The shard or partition waits meanwhile.")
        @Min(-1) @Max(10000) Integer maximumRetryAttempts,
        @JsonPropertyDescription("Streams and Kafka: records older than this many seconds are discarded unsent (-1 = no limit, else 60-604800).")
        @Min(-1) @Max(604800)
        @ValidationRule(value = "self == -1 || self >= 60", message = "maximumRecordAgeInSeconds is -1 (no limit) or at least 60")
        Integer maximumRecordAgeInSeconds,
        @JsonPropertyDescription("Kinesis and DynamoDB streams: tumbling window length in seconds (0-900; 0 = none). The function gets the window's state and must answer with {\"state\": {...}}.")
        @Min(0) @Max(900) Integer tumblingWindowInSeconds) {

    public EventSourceMappingSpec {
        enabled = enabled == null || enabled;
    }

    /** The version or alias invoked: the configured qualifier or $LATEST. */
    public String effectiveQualifier() {
        return qualifier == null ? Labels.LATEST : qualifier;
    }

    /** The batch size in force: the configured one or Lambda's default for the source. */
    public int effectiveBatchSize() {
        if (batchSize != null) {
            return batchSize;
        }
        return source.sqs() != null ? 10 : source.schedule() != null ? 1 : 100;
    }

    /** The mapping's filters. */
    public record FilterCriteria(
            @JsonPropertyDescription("Up to 5 patterns; a record is sent when any matches.")
            @Size(max = 5) List<Filter> filters) {
    }

    /** One EventBridge-style pattern, as JSON, matched against the record (body/data as JSON when they are). */
    public record Filter(
            @JsonPropertyDescription("The pattern, e.g. {\"body\":{\"type\":[\"order\"]}}.")
            @Required @Size(min = 2, max = 4096) String pattern) {
    }

    /** Poller concurrency. */
    public record ScalingConfig(
            @JsonPropertyDescription("Most concurrent invocations this mapping makes (2-1000).")
            @Min(2) @Max(1000) Integer maximumConcurrency) {
    }

    /** Failure destination of a mapping. */
    public record DestinationConfig(
            @JsonPropertyDescription("Receives a record describing each batch that finally failed.")
            Destination onFailure) {
    }
}
