package dev.lamina.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.EventSource;
import dev.lamina.async.FunctionRef;
import dev.lamina.async.IntakeResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A schedule: at each tick of its expression, one asynchronous invocation through the durable async queue (so
 * Lambda's retries and destinations apply), carrying EventBridge's Scheduled Event or the mapping's {@code input}.
 * The last fired tick is recorded durably ({@link TickStore}) once the event is queued; ticks missed while nothing ran
 * (a restart, a failover, the function missing) fire once, for the latest of them, when the schedule runs again. A
 * crash between queueing and recording fires that tick again, with the same event {@code id}, as EventBridge may.
 */
final class SchedulePoller implements Poller {
    private static final Logger LOG = Logger.getLogger(SchedulePoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest the poller sleeps before looking at the clock again. */
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Mapping mapping;
    private final SourceCollaborators with;
    private final ScheduleExpression expression;
    private final EventSource.Schedule schedule;
    private final SourceMetrics metrics;
    private final StateReporter reporter;
    private final StopSignal stop = new StopSignal();
    private Thread thread;

    SchedulePoller(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        this.mapping = mapping;
        this.with = with;
        this.schedule = mapping.spec().source().schedule();
        this.expression = ScheduleExpression.parse(schedule.expression(), schedule.timezone());
        if (schedule.input() != null) {
            try {
                JSON.readTree(schedule.input());
            } catch (Exception e) {
                throw new IllegalArgumentException("schedule input is not JSON: " + e.getMessage(), e);
            }
        }
        this.metrics = metrics;
        this.reporter = new StateReporter(mapping, with.status());
    }

    @Override
    public void start() {
        thread = Thread.ofVirtual().name("lamina-schedule-" + mapping.key()).start(this::run);
    }

    private void run() {
        if (stop.stopped()) {
            return;
        }
        Duration backoff = RECHECK;
        Instant last = with.ticks().lastFired(mapping.key()).orElse(null);
        // A new schedule starts from now: it has no missed ticks.
        Instant from = last != null ? last : with.clock().instant();
        reporter.enabled(MappingState.NO_RECORDS);
        while (!stop.stopped()) {
            Instant now = with.clock().instant();
            Optional<Instant> due = latestDue(from, now);
            if (due.isPresent()) {
                switch (fire(due.get())) {
                    case FIRED -> {
                        from = due.get();
                        backoff = RECHECK;
                    }
                    // A function that appears is found within a recheck, not after a long backoff.
                    case NO_FUNCTION -> stop.pause(RECHECK);
                    case REFUSED -> {
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                                : backoff.multipliedBy(2);
                        stop.pause(backoff);
                    }
                }
            } else {
                Duration untilNext = expression.next(from).map(next -> Duration.between(now, next))
                        .orElse(RECHECK);
                stop.pause(untilNext.compareTo(RECHECK) < 0 ? untilNext : RECHECK);
            }
        }
    }

    /** The latest tick after {@code from} that is not in the future, if any. */
    private Optional<Instant> latestDue(Instant from, Instant now) {
        Optional<Instant> due = Optional.empty();
        for (Optional<Instant> next = expression.next(from); next.isPresent() && !next.get().isAfter(now);
             next = expression.next(next.get())) {
            due = next;
        }
        return due;
    }

    private enum Firing { FIRED, NO_FUNCTION, REFUSED }

    /** Queues the invocation of one tick and records it once queued. */
    private Firing fire(Instant tick) {
        FunctionRef function = mapping.function();
        if (with.functions().find(function).isEmpty()) {
            reporter.waiting("FunctionNotFound", "function " + function.name()
                    + (function.qualifier() == null ? "" : ":" + function.qualifier())
                    + " does not exist in this namespace; the schedule fires once it does");
            return Firing.NO_FUNCTION;
        }
        byte[] event = (schedule.input() != null ? schedule.input() : scheduledEvent(tick))
                .getBytes(StandardCharsets.UTF_8);
        metrics.polled(1);
        IntakeResult result = with.events().enqueue(function, event).join();
        if (result instanceof IntakeResult.Rejected rejected) {
            metrics.failedInvoke(1);
            reporter.problem("InvocationRejected", rejected.errorType() + ": " + rejected.message());
            return Firing.REFUSED;
        }
        with.ticks().fired(mapping.key(), tick);
        metrics.invoked(1);
        reporter.enabled(MappingState.OK);
        LOG.debugf("schedule %s fired its tick %s", mapping.key(), tick);
        return Firing.FIRED;
    }

    /** EventBridge's Scheduled Event for a tick; its id is the same however often the tick fires. */
    String scheduledEvent(Instant tick) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.nameUUIDFromBytes((mapping.key() + "@" + tick).getBytes(StandardCharsets.UTF_8))
                .toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        String account = with.accountIds().apply(mapping.key().namespace());
        event.put("account", account);
        event.put("time", tick.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", with.region());
        event.putArray("resources").add("arn:aws:events:" + with.region() + ":" + account + ":rule/"
                + mapping.key().name());
        event.putObject("detail");
        return event.toString();
    }

    @Override
    public void close() {
        stop.stop();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
