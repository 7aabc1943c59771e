package dev.lamina.async;

import dev.lamina.api.Destination;
import dev.lamina.api.FunctionSpec;
import dev.lamina.async.AsyncEvent.DeadLetterOutput;
import dev.lamina.async.AsyncEvent.Invoking;
import dev.lamina.async.AsyncEvent.Output;
import dev.lamina.async.AsyncEvent.RecordOutput;
import dev.lamina.async.AsyncEvent.Reporting;
import dev.lamina.async.InvocationRecords.Condition;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Takes one due event one step further, by Lambda's rules for asynchronous invocation:
 * <ul>
 *   <li>a function error is retried {@code maximumRetryAttempts} times, after the configured delays (~1, ~2 min);</li>
 *   <li>a throttle or platform error is retried with exponential backoff (and jitter), without limit but the
 *       event's age;</li>
 *   <li>an event older than {@code maximumEventAgeSeconds} is not invoked any more;</li>
 *   <li>reserved concurrency 0 sends every event straight to failure handling;</li>
 *   <li>the 17th invocation of a function within one chain of asynchronous invocations is stopped (recursive loop);</li>
 *   <li>once settled, the record goes to the onSuccess / onFailure destination and the event to the dead-letter
 *       queue; a target that does not take it is retried with backoff, and counted.</li>
 * </ul>
 * The event leaves the store only when nothing is left to send, so a crash at any point repeats work instead of
 * losing it.
 */
final class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);

    private final EventStore store;
    private final AsyncFunctions functions;
    private final FunctionInvoker invoker;
    private final OutputSender outputs;
    private final AsyncSettings settings;
    private final AsyncMetrics metrics;
    private final InstantSource clock;

    Delivery(EventStore store, AsyncFunctions functions, FunctionInvoker invoker, OutputSender outputs,
             AsyncSettings settings, AsyncMetrics metrics, InstantSource clock) {
        this.store = store;
        this.functions = functions;
        this.invoker = invoker;
        this.outputs = outputs;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    void deliver(AsyncEvent event) {
        try {
            switch (event.phase()) {
                case Invoking invoking -> attempt(event, invoking);
                case Reporting reporting -> report(event, reporting);
            }
        } catch (RuntimeException e) {
            // Keep the event: whatever went wrong here is tried again later rather than losing the event.
            LOG.errorf(e, "Delivering asynchronous event %s for %s failed unexpectedly; retrying later",
                    event.requestId(), event.function());
            store.update(event.next(clock.instant().plus(settings.backoffWithJitter(1)), event.phase()));
        }
    }

    private void attempt(AsyncEvent event, Invoking state) {
        Optional<AsyncFunction> found = functions.find(event.function());
        Instant now = clock.instant();
        if (found.isEmpty()) {
            missing(event, state, new AttemptOutcome.NotFound("Function not found: " + event.function()), now);
            return;
        }
        AsyncFunction function = found.get();
        Duration age = Duration.between(event.acceptedAt(), now);
        if (age.compareTo(maximumAge(function)) > 0) {
            fail(event, function, Condition.EventAgeExceeded, Condition.EventAgeExceeded.name(), state.invokeCount(),
                    state.lastFailure());
            return;
        }
        if (function.throttlesEverything()) {
            fail(event, function, Condition.RetriesExhausted, "ReservedConcurrencyZero", state.invokeCount(),
                    new AttemptOutcome.Throttled("ReservedFunctionConcurrentInvocationLimitExceeded",
                            "Rate Exceeded: the function's reserved concurrency is 0"));
            return;
        }
        TraceHeader trace = TraceHeader.parse(event.traceHeader());
        if (trace.count(event.function()) >= TraceHeader.MAX_RECURSION) {
            metrics.recursionStopped(event.function());
            LOG.warnf("Stopped a recursive loop: %s was already invoked %d times in the chain of asynchronous event %s",
                    event.function(), TraceHeader.MAX_RECURSION, event.requestId());
            fail(event, function, Condition.RetriesExhausted, "RecursiveInvocation", state.invokeCount(),
                    new AttemptOutcome.PlatformError(400, "RecursiveInvocationException",
                            "Lamina stopped a recursive loop: " + event.function() + " was invoked "
                                    + TraceHeader.MAX_RECURSION + " times in one chain of invocations."));
            return;
        }

        metrics.age(event.function(), age);
        AttemptOutcome outcome = invoker.invoke(event.function(), event.payload(), event.requestId(),
                trace.counting(event.function()).toString());
        Instant after = clock.instant();
        switch (outcome) {
            case AttemptOutcome.Success success -> succeed(event, function, state.invokeCount() + 1, success);
            case AttemptOutcome.FunctionError error -> {
                int invokes = state.invokeCount() + 1;
                int errors = state.functionErrors() + 1;
                if (errors > function.config().maximumRetryAttempts()) {
                    fail(event, function, Condition.RetriesExhausted, Condition.RetriesExhausted.name(), invokes, error);
                } else {
                    retry(event, function, after.plus(settings.functionErrorRetryDelay(errors)),
                            new Invoking(invokes, errors, state.throttledOrFailed(), error, null));
                }
            }
            case AttemptOutcome.Throttled throttled -> {
                int failures = state.throttledOrFailed() + 1;
                retry(event, function, after.plus(settings.backoffWithJitter(failures)),
                        new Invoking(state.invokeCount(), state.functionErrors(), failures, throttled, null));
            }
            case AttemptOutcome.PlatformError platform -> {
                int failures = state.throttledOrFailed() + 1;
                retry(event, function, after.plus(settings.backoffWithJitter(failures)),
                        new Invoking(state.invokeCount() + 1, state.functionErrors(), failures, platform, null));
            }
            case AttemptOutcome.NotFound notFound -> missing(event, state, notFound, after);
        }
    }

    /** Schedules the next attempt, but never past the event's expiry: then it is settled as EventAgeExceeded. */
    private void retry(AsyncEvent event, AsyncFunction function, Instant next, Invoking state) {
        Instant expiry = event.acceptedAt().plus(maximumAge(function)).plusMillis(1);
        store.update(event.next(next.isAfter(expiry) ? expiry : next, state));
    }

    private void succeed(AsyncEvent event, AsyncFunction function, int invokeCount, AttemptOutcome.Success success) {
        Destination onSuccess = function.config().onSuccess();
        if (onSuccess == null) {
            store.remove(event.requestId());
            return;
        }
        Instant now = clock.instant();
        String record = InvocationRecords.record(event, function.functionArn(), Condition.Success, invokeCount, success, now);
        report(event, new Reporting(List.of(new RecordOutput(onSuccess, record)), 0, now));
    }

    private void fail(AsyncEvent event, AsyncFunction function, Condition condition, String reason, int invokeCount,
                      AttemptOutcome last) {
        metrics.dropped(event.function(), reason);
        LOG.infof("Asynchronous event %s for %s failed (%s) after %d invocation(s)%s", event.requestId(), event.function(),
                reason, invokeCount, last == null ? "" : ": " + InvocationRecords.errorMessage(last));
        FunctionSpec.Async config = function.config();
        Instant now = clock.instant();
        List<Output> toSend = new ArrayList<>();
        if (config.onFailure() != null) {
            toSend.add(new RecordOutput(config.onFailure(),
                    InvocationRecords.record(event, function.functionArn(), condition, invokeCount, last, now)));
        }
        if (config.deadLetterQueue() != null) {
            AttemptOutcome cause = last != null ? last
                    : new AttemptOutcome.PlatformError(500, "EventAgeExceeded", "The event expired before it could be processed");
            toSend.add(new DeadLetterOutput(config.deadLetterQueue(), cause.statusCode(), InvocationRecords.errorMessage(cause)));
        }
        if (toSend.isEmpty()) {
            store.remove(event.requestId());
        } else {
            report(event, new Reporting(toSend, 0, now));
        }
    }

    private void report(AsyncEvent event, Reporting state) {
        List<Output> unsent = new ArrayList<>();
        for (Output output : state.outputs()) {
            try {
                outputs.send(event, output);
            } catch (Exception e) {
                unsent.add(output);
                String target = switch (output) {
                    case RecordOutput r -> {
                        metrics.destinationFailure(event.function());
                        yield "destination " + describe(r.destination());
                    }
                    case DeadLetterOutput d -> {
                        metrics.deadLetterError(event.function());
                        yield "dead-letter queue " + d.queue().queueUrl();
                    }
                };
                LOG.warnf("Could not send asynchronous event %s of %s to its %s: %s", event.requestId(), event.function(),
                        target, e.getMessage());
            }
        }
        if (unsent.isEmpty()) {
            store.remove(event.requestId());
            return;
        }
        Instant now = clock.instant();
        if (Duration.between(state.settledAt(), now).compareTo(settings.outputRetention()) > 0) {
            LOG.errorf("Gave up sending asynchronous event %s of %s to %d target(s) after retrying for %s",
                    event.requestId(), event.function(), unsent.size(), settings.outputRetention());
            store.remove(event.requestId());
            return;
        }
        int failures = state.sendFailures() + 1;
        store.update(event.next(now.plus(settings.backoffWithJitter(failures)), new Reporting(unsent, failures, state.settledAt())));
    }

    /**
     * The function cannot be found. Right after a restart the gateway may not know every function yet, so the event
     * is kept and retried for a grace period; a function missing for longer was deleted, and its events go with it.
     */
    private void missing(AsyncEvent event, Invoking state, AttemptOutcome.NotFound notFound, Instant now) {
        Instant since = state.missingSince() == null ? now : state.missingSince();
        if (Duration.between(since, now).compareTo(settings.missingFunctionGrace()) > 0) {
            metrics.dropped(event.function(), "FunctionNotFound");
            LOG.warnf("Dropped asynchronous event %s: %s for longer than %s", event.requestId(), notFound.message(),
                    settings.missingFunctionGrace());
            store.remove(event.requestId());
            return;
        }
        int failures = state.throttledOrFailed() + 1;
        store.update(event.next(now.plus(settings.backoffWithJitter(failures)),
                new Invoking(state.invokeCount(), state.functionErrors(), failures, notFound, since)));
    }

    private static Duration maximumAge(AsyncFunction function) {
        return Duration.ofSeconds(function.config().maximumEventAgeSeconds());
    }

    private static String describe(Destination destination) {
        if (destination.function() != null) {
            return "function " + destination.function();
        }
        return destination.sqs() != null ? "queue " + destination.sqs().queueUrl() : "webhook " + destination.http().url();
    }
}
