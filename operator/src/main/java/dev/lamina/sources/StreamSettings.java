package dev.lamina.sources;

import dev.lamina.api.Destination;
import dev.lamina.api.EventSourceMappingSpec;
import java.time.Duration;

/**
 * A stream mapping's processing rules, with Lambda's defaults filled in.
 *
 * @param batchSize        most records per invocation
 * @param window           how long a batch gathers records before it is sent
 * @param lanes            concurrent batches per shard ({@code parallelizationFactor}); 1 with a tumbling window,
 *                         whose state belongs to the whole shard
 * @param bisect           split a batch the function failed and retry the halves
 * @param maxRetries       retries of a failing batch; -1: until its records expire
 * @param maxRecordAge     records older than this are discarded unsent; null: no limit
 * @param reportFailures   the function reports failed records ({@code ReportBatchItemFailures})
 * @param tumblingWindow   the tumbling window's length; null: none
 * @param onFailure        where discarded batches are described; null: they are dropped
 */
record StreamSettings(int batchSize, Duration window, int lanes, boolean bisect, int maxRetries,
                      Duration maxRecordAge, boolean reportFailures, Duration tumblingWindow, Destination onFailure) {

    /** Retries Lambda allows a Kafka mapping that has a failure destination but asks for retries without end. */
    static final int KAFKA_RETRIES_WITH_DESTINATION = 10;

    static StreamSettings of(EventSourceMappingSpec spec) {
        boolean kafka = spec.source().kafka() != null;
        Duration window = spec.maximumBatchingWindowSeconds() != null
                ? Duration.ofSeconds(spec.maximumBatchingWindowSeconds())
                : kafka ? Duration.ofMillis(500) : Duration.ZERO;
        Duration tumbling = spec.tumblingWindowInSeconds() == null || spec.tumblingWindowInSeconds() == 0 ? null
                : Duration.ofSeconds(spec.tumblingWindowInSeconds());
        int lanes = tumbling != null || spec.parallelizationFactor() == null ? 1 : spec.parallelizationFactor();
        Destination onFailure = spec.destinationConfig() == null ? null : spec.destinationConfig().onFailure();
        int retries = spec.maximumRetryAttempts() == null ? -1 : spec.maximumRetryAttempts();
        if (kafka && retries == -1 && onFailure != null) {
            retries = KAFKA_RETRIES_WITH_DESTINATION;
        }
        Integer age = spec.maximumRecordAgeInSeconds();
        return new StreamSettings(spec.effectiveBatchSize(), window, lanes,
                Boolean.TRUE.equals(spec.bisectBatchOnFunctionError()), retries,
                age == null || age == -1 ? null : Duration.ofSeconds(age),
                spec.functionResponseTypes() != null && spec.functionResponseTypes().contains("ReportBatchItemFailures"),
                tumbling, onFailure);
    }
}
