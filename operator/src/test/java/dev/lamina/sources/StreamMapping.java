package dev.lamina.sources;

import dev.lamina.api.Destination;
import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingSpec.DestinationConfig;
import dev.lamina.api.EventSourceMappingSpec.Filter;
import dev.lamina.api.EventSourceMappingSpec.FilterCriteria;
import dev.lamina.api.SqsTarget;
import java.util.Arrays;
import java.util.List;

/** A Kinesis or DynamoDB stream mapping of the function {@code fn}, set up by the fluent setters below. */
final class StreamMapping {
    private final String name;
    private final EventSource source;
    private String startingPosition = "TRIM_HORIZON";
    private String startingPositionTimestamp;
    private Integer batchSize;
    private Integer parallelizationFactor;
    private Boolean bisect;
    private Integer maximumRetryAttempts;
    private Integer maximumRecordAgeInSeconds;
    private Integer tumblingWindowInSeconds;
    private boolean reportFailures;
    private List<String> filters = List.of();
    private Destination onFailure;

    private StreamMapping(String name, EventSource source) {
        this.name = name;
        this.source = source;
    }

    static StreamMapping kinesis(String name, String streamArn, String endpoint) {
        return new StreamMapping(name, new EventSource(null, null,
                new EventSource.Stream(streamArn, endpoint, null, Sources.SECRET), null, null));
    }

    static StreamMapping dynamoDb(String name, String streamArn, String endpoint) {
        return new StreamMapping(name, new EventSource(null, null, null,
                new EventSource.Stream(streamArn, endpoint, null, Sources.SECRET), null));
    }

    StreamMapping startingPosition(String position) {
        this.startingPosition = position;
        return this;
    }

    StreamMapping startingAt(String timestamp) {
        this.startingPosition = "AT_TIMESTAMP";
        this.startingPositionTimestamp = timestamp;
        return this;
    }

    StreamMapping batchSize(int size) {
        this.batchSize = size;
        return this;
    }

    StreamMapping parallelizationFactor(int factor) {
        this.parallelizationFactor = factor;
        return this;
    }

    StreamMapping bisect() {
        this.bisect = true;
        return this;
    }

    StreamMapping maximumRetryAttempts(int retries) {
        this.maximumRetryAttempts = retries;
        return this;
    }

    StreamMapping maximumRecordAgeInSeconds(int seconds) {
        this.maximumRecordAgeInSeconds = seconds;
        return this;
    }

    StreamMapping tumblingWindowInSeconds(int seconds) {
        this.tumblingWindowInSeconds = seconds;
        return this;
    }

    StreamMapping reportFailures() {
        this.reportFailures = true;
        return this;
    }

    StreamMapping filters(String... patterns) {
        this.filters = Arrays.asList(patterns);
        return this;
    }

    /** Discarded batches are described to this SQS queue. */
    StreamMapping onFailure(String queueUrl, String endpoint) {
        this.onFailure = new Destination(null, new SqsTarget(queueUrl, endpoint, "us-east-1", Sources.SECRET), null);
        return this;
    }

    Mapping mapping() {
        EventSourceMappingSpec spec = new EventSourceMappingSpec("fn", null, true, source, batchSize, null,
                reportFailures ? List.of("ReportBatchItemFailures") : null,
                filters.isEmpty() ? null : new FilterCriteria(filters.stream().map(Filter::new).toList()),
                null, onFailure == null ? null : new DestinationConfig(onFailure), startingPosition,
                startingPositionTimestamp, parallelizationFactor, bisect, maximumRetryAttempts,
                maximumRecordAgeInSeconds, tumblingWindowInSeconds);
        return new Mapping(new MappingKey(Sources.NAMESPACE, name), 1, spec);
    }
}
