package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed about an EventSourceMapping. */
@JsonClassDescription("What Lamina observed about the mapping: conditions, state, source kind and the last batch's outcome.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventSourceMappingStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
        @JsonPropertyDescription("Enabled, Disabled or Failed.") String state,
        @JsonPropertyDescription("The source kind: sqs, kafka, kinesis, dynamodbStreams or schedule.") String sourceType,
        @JsonPropertyDescription("The batch size in force.") Integer batchSize,
        @JsonPropertyDescription("Outcome of the last batch: OK, or the error that stopped it.") String lastProcessingResult)
        implements HasConditions {
}
