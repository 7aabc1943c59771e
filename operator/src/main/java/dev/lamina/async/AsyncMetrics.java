package dev.lamina.async;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Lambda's asynchronous invocation metrics, under Lambda's names, tagged with the function's {@code namespace} and
 * {@code function_name} (as the gateway's metrics are). Dropped events are also tagged with the {@code reason}.
 */
final class AsyncMetrics {

    static final String RECEIVED = "AsyncEventsReceived";
    static final String AGE = "AsyncEventAge";
    static final String DROPPED = "AsyncEventsDropped";
    static final String DEAD_LETTER_ERRORS = "DeadLetterErrors";
    static final String DESTINATION_FAILURES = "DestinationDeliveryFailures";
    static final String RECURSIVE_DROPPED = "RecursiveInvocationsDropped";

    private final MeterRegistry registry;

    AsyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void received(FunctionRef function) {
        counter(RECEIVED, "Events accepted (202) for asynchronous invocation", function).increment();
    }

    /** Time from acceptance to an invocation attempt. */
    void age(FunctionRef function, Duration age) {
        Timer.builder(AGE).description("Time between accepting an event and invoking the function with it")
                .tags("namespace", function.namespace(), "function_name", function.name())
                .register(registry).record(age);
    }

    void dropped(FunctionRef function, String reason) {
        Counter.builder(DROPPED).description("Events given up without a successful invocation")
                .tags("namespace", function.namespace(), "function_name", function.name(), "reason", reason)
                .register(registry).increment();
    }

    void deadLetterError(FunctionRef function) {
        counter(DEAD_LETTER_ERRORS, "Failed attempts to send an event to its dead-letter queue", function).increment();
    }

    void destinationFailure(FunctionRef function) {
        counter(DESTINATION_FAILURES, "Failed attempts to send a record to a destination", function).increment();
    }

    void recursionStopped(FunctionRef function) {
        counter(RECURSIVE_DROPPED, "Invocations stopped because they were part of a recursive loop", function).increment();
    }

    private Counter counter(String name, String description, FunctionRef function) {
        return Counter.builder(name).description(description)
                .tags("namespace", function.namespace(), "function_name", function.name())
                .register(registry);
    }
}
