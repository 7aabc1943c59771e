package dev.lamina.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.SqsTarget;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.FunctionRef;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An SQS queue, read as Lambda reads it. Batch loops long-poll the queue, each gathering a batch until it holds
 * {@code batchSize} records, its batching window closes or its event reaches 6 MB; records matching no filter are
 * deleted unsent. A batch is deleted once the function succeeded with it (but for the records it reports failed, under
 * {@code ReportBatchItemFailures}); otherwise its messages come back after the queue's visibility timeout, and the
 * queue's redrive policy moves those received too often to its dead-letter queue. The number of loops follows
 * {@link PollerScaling}.
 *
 * <p>A throttled batch is left to come back after the visibility timeout, as on AWS, and its loop backs off; its
 * visibility is not reset to zero, because every early return would count against the queue's {@code maxReceiveCount}
 * and send throttled messages to the dead-letter queue sooner than Lambda does.
 *
 * <p>FIFO queues: SQS hands out no message of a group while an earlier one is in flight, and each loop claims the
 * groups of what it received, so one batch per group is under way and the loops grow with the active groups. Once a
 * message of a group failed, every later one of its group in the batch counts as failed, so none is deleted ahead of
 * it.
 *
 * <p>Closing cuts the long polls short and waits for the batches under way to be invoked and settled. Records gathered
 * but not yet sent, and any a cut-short receive took on the server's side, come back after the visibility timeout.
 */
final class SqsPoller implements Poller {
    private static final Logger LOG = Logger.getLogger(SqsPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often the loops are counted against the scaling target. */
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration FUNCTION_RECHECK = Duration.ofSeconds(3);
    /**
     * How long closing waits for the batches under way: the gateway ends an invocation at the function's timeout,
     * at most 15 minutes, and the deletes follow.
     */
    private static final Duration FINISH_BATCHES = Duration.ofMinutes(15).plusSeconds(30);

    private final Mapping mapping;
    private final SourceCollaborators with;
    private final SqsTarget target;
    private final String region;
    private final String queueArn;
    private final boolean fifo;
    private final int batchSize;
    private final Duration window;
    private final boolean reportFailures;
    private final EventFilter filter;
    private final SourceMetrics metrics;
    private final StateReporter reporter;
    private final SourceHealth health;
    private final PollerScaling scaling = new PollerScaling(PollerScaling.MAX_LOOPS, System.nanoTime());
    private final StopSignal stop = new StopSignal();
    private final Map<Integer, Thread> loops = new ConcurrentHashMap<>();
    /** FIFO: the loop that holds each group under way. */
    private final Map<String, Integer> groupsInFlight = new ConcurrentHashMap<>();
    private volatile SqsQueue queue;
    /** How many loops run now; 0 while the function is missing or the queue cannot be read. */
    private volatile int active;
    private volatile String lastResult = MappingState.NO_RECORDS;
    /** The function exists and the queue answered since the last problem: the loops may run. */
    private volatile boolean settled;
    private Thread supervisor;

    SqsPoller(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSourceMappingSpec spec = mapping.spec();
        this.mapping = mapping;
        this.with = with;
        this.target = spec.source().sqs();
        this.region = target.region() != null ? target.region() : with.region();
        this.queueArn = SqsRecords.queueArn(target.queueUrl(), region);
        this.fifo = target.queueUrl().endsWith(".fifo");
        this.batchSize = spec.effectiveBatchSize();
        this.window = Duration.ofSeconds(spec.maximumBatchingWindowSeconds() == null ? 0
                : spec.maximumBatchingWindowSeconds());
        this.reportFailures = spec.functionResponseTypes() != null
                && spec.functionResponseTypes().contains("ReportBatchItemFailures");
        this.filter = EventFilter.of(spec.filterCriteria());
        this.metrics = metrics;
        this.reporter = new StateReporter(mapping, with.status());
        this.health = new SourceHealth("queue " + target.queueUrl() + " of mapping " + mapping.key());
    }

    @Override
    public void start() {
        supervisor = Thread.ofVirtual().name("lamina-sqs-" + mapping.key()).start(this::supervise);
    }

    /**
     * Checks the function and the queue, and keeps as many loops running as the scaling rule asks. While either is
     * missing no loop runs: the supervisor alone checks again, the queue with backoff.
     */
    private void supervise() {
        while (!stop.stopped()) {
            FunctionRef ref = mapping.function();
            Optional<AsyncFunction> function = with.functions().find(ref);
            if (function.isEmpty()) {
                active = 0;
                settled = false;
                reporter.waiting("FunctionNotFound", "function " + ref.name()
                        + (ref.qualifier() == null ? "" : ":" + ref.qualifier())
                        + " does not exist in this namespace; the queue is polled once it does");
                stop.pause(FUNCTION_RECHECK);
                continue;
            }
            if (!settled) {
                active = 0;
                stop.pause(Duration.ofNanos(health.waitNanos(System.nanoTime())));
                if (stop.stopped() || !reachable()) {
                    continue;
                }
            }
            EventSourceMappingSpec.ScalingConfig config = mapping.spec().scalingConfig();
            scaling.ceiling(PollerScaling.ceiling(config == null ? null : config.maximumConcurrency(),
                    function.get().reservedConcurrency()));
            active = scaling.target();
            for (int i = 0; i < active; i++) {
                Thread loop = loops.get(i);
                if (loop == null || !loop.isAlive()) {
                    int index = i;
                    loops.put(i, Thread.ofVirtual().name("lamina-sqs-" + mapping.key() + "-" + i)
                            .start(() -> loop(index)));
                }
            }
            stop.pause(TICK);
        }
    }

    /** Opens the queue if need be and checks that it answers; once it does the mapping is enabled. */
    private boolean reachable() {
        if (queue == null) {
            AwsCredentialsProvider credentials;
            try {
                credentials = AwsClients.credentials(with, mapping.key().namespace(), target.credentialsSecret());
            } catch (SourceProblem.Refused refused) {
                sourceFailed(refused.problem());
                return false;
            }
            queue = SqsQueue.open(target.queueUrl(), target.endpoint(), region, credentials, PollerScaling.MAX_LOOPS);
        }
        try {
            queue.check();
        } catch (SdkException e) {
            sourceFailed(SourceProblem.of(e));
            return false;
        }
        health.ok();
        settled = true;
        reporter.enabled(lastResult);
        return true;
    }

    /**
     * One batch loop: gathers a batch, invokes the function, deletes what succeeded; ends when scaled away, and when
     * the queue cannot be read (the supervisor checks it again).
     */
    private void loop(int index) {
        Backoff throttle = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        while (!stop.stopped() && index < active) {
            try {
                List<SqsBatch.Entry> gathered = gather(index);
                if (gathered.isEmpty()) {
                    continue;
                }
                if (process(gathered)) {
                    scaling.throttled();
                    stop.pause(throttle.next());
                } else {
                    throttle.reset();
                }
            } catch (SdkException e) {
                if (!stop.stopped()) {
                    sourceFailed(SourceProblem.of(e));
                }
                return;
            } finally {
                groupsInFlight.values().removeIf(owner -> owner == index);
            }
        }
    }

    /**
     * Receives until the batch is full, its window closed or its event reached 6 MB. Empty when a long poll found
     * nothing, and when the poller closes: records gathered then come back after the visibility timeout. A message
     * received again while the window is open (its visibility timeout is shorter than the window) keeps its place
     * and takes its new receipt handle: the old one no longer deletes it.
     */
    private List<SqsBatch.Entry> gather(int index) {
        Map<String, SqsBatch.Entry> gathered = new LinkedHashMap<>();
        long bytes = 0;
        long windowEnd = 0;
        boolean windowOpen = false;
        while (!stop.stopped()) {
            int want = Math.min(SqsQueue.MAX_PER_CALL, batchSize - gathered.size());
            // While the window is open, wait no longer than it has left (in SQS's whole seconds, rounded up).
            int wait = windowOpen
                    ? (int) Math.min(SqsQueue.MAX_WAIT_SECONDS,
                    Math.ceilDiv(Math.max(0, windowEnd - System.nanoTime()), TimeUnit.SECONDS.toNanos(1)))
                    : SqsQueue.MAX_WAIT_SECONDS;
            List<Message> messages = queue.receive(want, wait);
            health.received();
            if (messages.isEmpty() && !windowOpen) {
                scaling.empty();
                return List.of();
            }
            if (messages.size() == want) {
                scaling.full(System.nanoTime());
            }
            metrics.polled(messages.size());
            List<Message> filteredOut = new ArrayList<>();
            for (Message message : messages) {
                if (fifo && !claim(message, index)) {
                    continue;
                }
                ObjectNode record = SqsRecords.record(message, queueArn, region);
                if (!filter.matches(record, "body")) {
                    filteredOut.add(message);
                    continue;
                }
                byte[] json = serialize(record);
                SqsBatch.Entry earlier = gathered.put(message.messageId(), new SqsBatch.Entry(message, json));
                bytes += json.length + 1 - (earlier == null ? 0 : earlier.record().length + 1);
            }
            if (!filteredOut.isEmpty()) {
                // Lambda deletes SQS messages that match no filter.
                metrics.filteredOut(filteredOut.size());
                queue.delete(filteredOut);
            }
            if (!windowOpen && !gathered.isEmpty()) {
                windowOpen = true;
                windowEnd = System.nanoTime() + window.toNanos();
            }
            if (gathered.size() >= batchSize || bytes >= SqsBatch.MAX_PAYLOAD
                    || windowOpen && System.nanoTime() - windowEnd >= 0) {
                return List.copyOf(gathered.values());
            }
        }
        return List.of();
    }

    /**
     * FIFO: whether this loop may process the message; not when another loop holds its group (the message came
     * back while its group's batch is still under way: it returns again after the visibility timeout).
     */
    private boolean claim(Message message, int index) {
        String group = SqsBatch.groupOf(message);
        return group == null || groupsInFlight.computeIfAbsent(group, g -> index) == index;
    }

    /** Invokes the function with the gathered records, in events of at most 6 MB; true when it was throttled. */
    private boolean process(List<SqsBatch.Entry> gathered) {
        new SqsBatch(gathered).oldestSent()
                .ifPresent(sent -> metrics.oldestRecordAge(Math.max(0, with.clock().millis() - sent)));
        Set<String> failedGroups = new HashSet<>();
        for (SqsBatch split : SqsBatch.split(gathered, SqsBatch.MAX_PAYLOAD)) {
            SqsBatch batch = split.withoutGroups(failedGroups);
            if (batch.isEmpty()) {
                continue;
            }
            switch (invoke(batch)) {
                case Result.Throttled throttled -> {
                    return true;
                }
                case Result.Done done -> {
                    queue.delete(batch.except(done.failed()).stream().map(SqsBatch.Entry::message).toList());
                    failedGroups.addAll(batch.groupsOf(done.failed()));
                }
            }
        }
        return false;
    }

    /** How an invocation settled its batch. */
    private sealed interface Result {
        /** The function ran or failed; these messages stay on the queue. */
        record Done(Set<String> failed) implements Result {
        }

        /** The function had no concurrency left: every message stays on the queue. */
        record Throttled() implements Result {
        }
    }

    private Result invoke(SqsBatch batch) {
        AttemptOutcome outcome = with.invoker().invoke(mapping.function(), batch.payload(),
                UUID.randomUUID().toString(), null);
        return switch (outcome) {
            case AttemptOutcome.Success success when reportFailures -> {
                metrics.invoked(batch.size());
                yield settle(batch, BatchItemFailures.read(success.payload(), batch.ids()));
            }
            case AttemptOutcome.Success success -> {
                metrics.invoked(batch.size());
                succeeded();
                yield new Result.Done(Set.of());
            }
            case AttemptOutcome.FunctionError error -> {
                metrics.invoked(batch.size());
                metrics.failedInvoke(batch.size());
                LOG.debugf("mapping %s: function error %s with a batch of %d", mapping.key(), error.errorType(),
                        batch.size());
                yield new Result.Done(batch.ids());
            }
            case AttemptOutcome.Throttled throttled -> {
                LOG.debugf("mapping %s: throttled (%s)", mapping.key(), throttled.reason());
                yield new Result.Throttled();
            }
            case AttemptOutcome.PlatformError error -> {
                metrics.failedInvoke(batch.size());
                reporter.problem("InvocationFailed", error.errorCode() + ": " + error.message());
                yield new Result.Done(batch.ids());
            }
            case AttemptOutcome.NotFound notFound -> {
                // The supervisor sees the function gone and stops the loops.
                metrics.failedInvoke(batch.size());
                yield new Result.Done(batch.ids());
            }
        };
    }

    /** A successful invocation's report of failed records, read by Lambda's rules. */
    private Result settle(SqsBatch batch, BatchItemFailures report) {
        return switch (report) {
            case BatchItemFailures.None none -> {
                succeeded();
                yield new Result.Done(Set.of());
            }
            case BatchItemFailures.Some some -> {
                Set<String> failed = fifo ? batch.failedInOrder(some.itemIdentifiers()) : some.itemIdentifiers();
                metrics.failedInvoke(failed.size());
                succeeded();
                yield new Result.Done(failed);
            }
            case BatchItemFailures.Invalid invalid -> {
                metrics.failedInvoke(batch.size());
                LOG.warnf("mapping %s: the function's batchItemFailures is invalid (%s); the whole batch of %d "
                        + "failed", mapping.key(), invalid.reason(), batch.size());
                reporter.problem("InvalidBatchItemFailures", "the function's response is not a valid partial batch "
                        + "response: " + invalid.reason() + "; the whole batch failed");
                yield new Result.Done(batch.ids());
            }
        };
    }

    private void succeeded() {
        lastResult = MappingState.OK;
        reporter.enabled(MappingState.OK);
    }

    private void sourceFailed(SourceProblem problem) {
        health.failed(problem, System.nanoTime());
        settled = false;
        reporter.problem(problem.reason(), problem.message());
    }

    private static byte[] serialize(ObjectNode record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop.stop();
        SqsQueue open = queue;
        if (open != null) {
            open.wake();
        }
        long deadline = System.nanoTime() + FINISH_BATCHES.toNanos();
        try {
            if (supervisor != null) {
                supervisor.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            for (Thread loop : loops.values()) {
                if (!loop.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warnf("mapping %s: a batch was still under way when its poller closed; its messages "
                            + "come back from the queue", mapping.key());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Read again: the supervisor may have opened the queue while closing began.
            open = queue;
            if (open != null) {
                open.close();
            }
        }
    }
}
