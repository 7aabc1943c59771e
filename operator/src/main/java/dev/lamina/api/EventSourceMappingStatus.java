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
        @JsonPropertyDescription("NotPolled (valid, but Lamina does not poll this kind of source yet), Disabled, or Failed (the conditions say why).")
        String state,
        @JsonPropertyDescription("The source kind: sqs, kafka, kinesis, dynamodbStreams or schedule.") String sourceType,
        @JsonPropertyDescription("The batch size the mapping asks for: the configured one or the source's default.")
        Integer batchSize,
        @JsonPropertyDescription("Outcome of the last batch: OK, or the error that stopped it. Not reported yet: nothing polls sources.")
        String lastProcessingResult) implements HasConditions {

    /** A valid, enabled mapping that nothing polls, because Lamina has no poller for its kind of source yet. */
    public static final String NOT_POLLED = "NotPolled";
    public static final String DISABLED = "Disabled";
    /** The mapping cannot be polled as it is: its conditions say why. */
    public static final String FAILED = "Failed";
}
