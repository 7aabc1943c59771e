package dev.lamina.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.Destination;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.RecordDestinations;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A stream mapping's side of its function, shared by its shards: invokes it with a batch, and describes a discarded
 * batch to the failure destination with Lambda's stream invocation record.
 */
final class StreamFunction implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lambda's timestamps in failure records: ISO-8601 in UTC with milliseconds. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Why a batch was discarded, as the record's {@code requestContext.condition} says it. */
    enum Condition { RetryAttemptsExhausted, RecordAgeExceeded }

    /** One invocation: its request id and how it ended. */
    record Invoked(String requestId, AttemptOutcome outcome) {
    }

    private final Mapping mapping;
    private final SourceCollaborators with;
    private final StreamShape shape;
    private final SourceMetrics metrics;
    private final StateReporter reporter;
    private final Destination onFailure;
    private final RecordDestinations destinations;

    StreamFunction(Mapping mapping, SourceCollaborators with, StreamShape shape, SourceMetrics metrics,
                   StateReporter reporter, Destination onFailure) {
        this.mapping = mapping;
        this.with = with;
        this.shape = shape;
        this.metrics = metrics;
        this.reporter = reporter;
        this.onFailure = onFailure;
        this.destinations = onFailure == null ? null : new RecordDestinations(with.region(), with.credentials());
    }

    StreamShape shape() {
        return shape;
    }

    SourceMetrics metrics() {
        return metrics;
    }

    StateReporter reporter() {
        return reporter;
    }

    Invoked invoke(String shard, List<StreamRecord> records, TumblingWindow.Invocation window) {
        String requestId = UUID.randomUUID().toString();
        return new Invoked(requestId, with.invoker().invoke(mapping.function(), shape.event(shard, records, window),
                requestId, null));
    }

    /**
     * Describes a discarded batch to the failure destination; without one the records are dropped.
     *
     * @param last        the last invocation, or null when the records expired before any
     * @param invokeCount how many times the batch was invoked
     * @throws IOException when the destination did not take it: the caller tries again, nothing is skipped unsaid
     */
    void discard(String shard, List<StreamRecord> records, Condition condition, Invoked last, int invokeCount)
            throws IOException {
        if (onFailure == null) {
            metrics.dropped(records.size());
            LOG.debugf("mapping %s: %d records of %s discarded (%s) with no failure destination", mapping.key(),
                    records.size(), shard, condition);
            return;
        }
        destinations.send(mapping.key().namespace(), onFailure, record(shard, records, condition, last, invokeCount));
        metrics.onFailureDelivered(records.size());
    }

    private String record(String shard, List<StreamRecord> records, Condition condition, Invoked last,
                          int invokeCount) {
        ObjectNode record = JSON.createObjectNode();
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", last == null ? UUID.randomUUID().toString() : last.requestId());
        request.put("functionArn", with.functions().find(mapping.function()).map(AsyncFunction::functionArn)
                .orElse(null));
        request.put("condition", condition.name());
        request.put("approximateInvokeCount", invokeCount);
        if (last != null) {
            ObjectNode response = record.putObject("responseContext");
            response.put("statusCode", last.outcome().statusCode());
            switch (last.outcome()) {
                case AttemptOutcome.Success success -> response.put("executedVersion", success.executedVersion());
                case AttemptOutcome.FunctionError error -> {
                    response.put("executedVersion", error.executedVersion());
                    response.put("functionError", error.errorType());
                }
                default -> {
                }
            }
        }
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(with.clock().millis())
                .truncatedTo(ChronoUnit.MILLIS)));
        record.set(shape.batchInfoName(), shape.batchInfo(shard, records));
        return record.toString();
    }

    @Override
    public void close() {
        if (destinations != null) {
            destinations.close();
        }
    }
}
