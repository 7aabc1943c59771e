package dev.lamina.async;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.lamina.api.Destination;
import dev.lamina.api.SqsTarget;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An accepted asynchronous invocation and how far its processing got. Everything here is stored, so that delivery
 * resumes where it stood after a restart.
 *
 * @param requestId   the request id answered to the caller; the same for every attempt
 * @param function    the function and qualifier it was sent to
 * @param payload     the event (valid JSON, at most 1 MB)
 * @param traceHeader the {@code X-Amzn-Trace-Id} it arrived with, carrying the recursion lineage; may be null
 * @param acceptedAt  when the 202 was given: the event's age counts from here
 * @param dueAt       when the next step (an invocation attempt or sending its outcome) is due
 * @param phase       invoking the function, or reporting the outcome to destinations
 */
public record AsyncEvent(String requestId, FunctionRef function, byte[] payload, String traceHeader,
                         Instant acceptedAt, Instant dueAt, Phase phase) {

    public AsyncEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(phase, "phase");
    }

    static AsyncEvent accepted(String requestId, FunctionRef function, byte[] payload, String traceHeader, Instant now) {
        return new AsyncEvent(requestId, function, payload, traceHeader, now, now, new Invoking(0, 0, 0, null, null));
    }

    AsyncEvent next(Instant due, Phase newPhase) {
        return new AsyncEvent(requestId, function, payload, traceHeader, acceptedAt, due, newPhase);
    }

    /** Where an event stands. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "phase")
    @JsonSubTypes({@JsonSubTypes.Type(value = Invoking.class, name = "invoking"),
            @JsonSubTypes.Type(value = Reporting.class, name = "reporting")})
    public sealed interface Phase {
    }

    /**
     * Still trying to invoke the function.
     *
     * @param invokeCount       attempts that reached the function (Lambda's approximateInvokeCount)
     * @param functionErrors    attempts that ended in a function error (bounded by maximumRetryAttempts)
     * @param throttledOrFailed attempts throttled or failed by the platform (they back off until the event expires)
     * @param lastFailure       how the latest attempt failed; null before the first failure
     * @param missingSince      since when the function could not be found, if it cannot be now
     */
    public record Invoking(int invokeCount, int functionErrors, int throttledOrFailed, AttemptOutcome lastFailure,
                           Instant missingSince) implements Phase {
    }

    /**
     * The invocation is settled; these outputs are still to be sent.
     *
     * @param outputs     what is left to send
     * @param sendFailures how often sending has failed so far (drives the backoff)
     * @param settledAt   when the invocation was settled: outputs are given up after the configured retention
     */
    public record Reporting(List<Output> outputs, int sendFailures, Instant settledAt) implements Phase {
        public Reporting {
            outputs = List.copyOf(outputs);
        }
    }

    /** Something to send once the invocation is settled. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = RecordOutput.class, name = "record"),
            @JsonSubTypes.Type(value = DeadLetterOutput.class, name = "deadLetter")})
    public sealed interface Output {
    }

    /** A destination record (JSON) for an onSuccess or onFailure destination. */
    public record RecordOutput(Destination destination, String record) implements Output {
    }

    /** The original event for the dead-letter queue, with Lambda's message attributes. */
    public record DeadLetterOutput(SqsTarget queue, int errorCode, String errorMessage) implements Output {
    }
}
