package dev.lamina.sources;

import dev.lamina.async.AttemptOutcome;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One shard or Kafka partition, processed as Lambda processes a stream; the engine's reader offers it records in
 * order and it invokes the function with them.
 *
 * <p>Records go to {@code lanes} ({@code parallelizationFactor}) by their order key, each lane running one batch at a
 * time, so records with the same key stay in order while up to N batches of the shard are under way. A batch closes
 * at {@code batchSize}, at the end of the batching window or near 6 MB; with a tumbling window it holds records of one
 * window only.
 *
 * <p>A failing batch is retried and its lane waits: it ends in success, in {@code maximumRetryAttempts} spent, or in
 * its records growing older than {@code maximumRecordAgeInSeconds}; {@code bisectBatchOnFunctionError} splits it and
 * retries the halves first, without spending a retry. A discarded batch is described to the failure destination (an
 * unreachable destination is retried: nothing is skipped unsaid). Throttles and platform errors are retried with
 * backoff, without spending a retry, as on AWS.
 *
 * <p>The checkpoint is the last record of the longest run of records, from the shard's start, that are all settled
 * (succeeded, filtered out or discarded): the checkpoint never passes a record still to be done. The reader is held
 * back while the shard holds two batches' worth per lane.
 */
final class StreamShard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamShard.class);
    /** A batch's records stay this far below the 6 MB payload limit, leaving room for the event around them. */
    static final int MAX_BATCH_BYTES = SqsBatch.MAX_PAYLOAD - 65_536;
    private static final Duration FINISH_BATCHES = Duration.ofMinutes(15).plusSeconds(30);

    /** Told each time the shard's checkpoint moves. */
    @FunctionalInterface
    interface Checkpoints {
        /** Every record of the shard up to and including {@code position} is settled. */
        void advanced(String shard, String position);
    }

    private static final class Tracked {
        final StreamRecord record;
        boolean settled;

        Tracked(StreamRecord record) {
            this.record = record;
        }
    }

    /** One of the shard's concurrent batch sequences. */
    private final class Lane {
        final ArrayDeque<Tracked> pending = new ArrayDeque<>();
        final TumblingWindow window;
        long pendingBytes;
        /** When the batch now gathering got its first record. */
        long since;
        final Backoff retries = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        final Backoff unavailable = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

        Lane(TumblingWindow window) {
            this.window = window;
        }
    }

    /** What a lane does next. */
    private sealed interface Work {
        record Batch(List<Tracked> records, long windowStart) implements Work {
        }

        record CloseWindow() implements Work {
        }
    }

    /** A batch under way: the part not yet settled, the retries spent and the invocations made. */
    private static final class Attempt {
        List<Tracked> records;
        int retries;
        int invokes;
        StreamFunction.Invoked last;

        Attempt(List<Tracked> records, int retries, int invokes, StreamFunction.Invoked last) {
            this.records = records;
            this.retries = retries;
            this.invokes = invokes;
            this.last = last;
        }
    }

    private final String shardId;
    private final StreamSettings settings;
    private final StreamFunction function;
    private final Checkpoints checkpoints;
    private final InstantSource clock;
    private final StopSignal pauses = new StopSignal();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Tracked> order = new ArrayDeque<>();
    private final Lane[] lanes;
    private final List<Thread> threads = new ArrayList<>();
    private final long maxHeldRecords;
    private final long maxHeldBytes;
    private long heldRecords;
    private long heldBytes;
    /** Every record that arrived in the stream before this time has been offered (for closing tumbling windows). */
    private long readUpTo = Long.MIN_VALUE;
    private boolean ended;
    private volatile boolean stopping;

    StreamShard(String shardId, StreamSettings settings, StreamFunction function, Checkpoints checkpoints,
                InstantSource clock) {
        this.shardId = shardId;
        this.settings = settings;
        this.function = function;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.lanes = new Lane[settings.lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(settings.tumblingWindow() == null ? null : new TumblingWindow(settings.tumblingWindow()));
        }
        this.maxHeldRecords = 2L * settings.batchSize() * lanes.length;
        this.maxHeldBytes = 2L * MAX_BATCH_BYTES * lanes.length;
    }

    String id() {
        return shardId;
    }

    void start() {
        for (int i = 0; i < lanes.length; i++) {
            Lane lane = lanes[i];
            threads.add(Thread.ofVirtual().name("lamina-shard-" + shardId + "-" + i).start(() -> run(lane)));
        }
    }

    /**
     * Takes records read from the shard, in order.
     *
     * @param millisBehind how far the read is behind the shard's newest record (the iterator age)
     */
    void offer(List<StreamRecord> records, long millisBehind) {
        int filteredOut = 0;
        lock.lock();
        try {
            for (StreamRecord record : records) {
                Tracked tracked = new Tracked(record);
                order.add(tracked);
                if (!record.matched()) {
                    tracked.settled = true;
                    filteredOut++;
                    continue;
                }
                Lane lane = lanes[lanes.length == 1 ? 0 : Math.floorMod(record.orderKey().hashCode(), lanes.length)];
                if (lane.pending.isEmpty()) {
                    lane.since = System.nanoTime();
                }
                lane.pending.add(tracked);
                lane.pendingBytes += record.record().length;
                heldRecords++;
                heldBytes += record.record().length;
            }
            readUpTo = clock.millis() - millisBehind;
            advance();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        function.metrics().polled(records.size());
        if (filteredOut > 0) {
            function.metrics().filteredOut(filteredOut);
        }
    }

    /** Whether the shard takes more records now; a reader that cannot wait pauses while it does not. */
    boolean hasRoom() {
        lock.lock();
        try {
            return heldRecords < maxHeldRecords && heldBytes < maxHeldBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the shard takes more records; false when it is closing. */
    boolean awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            while (!stopping && (heldRecords >= maxHeldRecords || heldBytes >= maxHeldBytes)) {
                changed.await();
            }
            return !stopping;
        } finally {
            lock.unlock();
        }
    }

    /** The shard was read to its end (it was closed by a split or merge): nothing more comes. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an ended shard's records are all settled; false when it closed first. */
    boolean awaitSettled() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
        lock.lock();
        try {
            return order.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void run(Lane lane) {
        try {
            Work work;
            while ((work = next(lane)) != null) {
                switch (work) {
                    case Work.Batch batch -> process(lane, batch);
                    case Work.CloseWindow close -> closeWindow(lane, false);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "shard %s stopped processing", shardId);
        }
    }

    /** The lane's next batch, or the close of its tumbling window; null once the shard stops or its end is done. */
    private Work next(Lane lane) throws InterruptedException {
        lock.lock();
        try {
            while (!stopping) {
                TumblingWindow window = lane.window;
                if (window != null && window.isOpen()) {
                    boolean later = !lane.pending.isEmpty()
                            && window.windowOf(lane.pending.peekFirst().record.arrivalMillis()) != window.start();
                    boolean allRead = lane.pending.isEmpty() && (ended || window.end() <= readUpTo);
                    if (later || allRead) {
                        return new Work.CloseWindow();
                    }
                }
                if (!lane.pending.isEmpty()) {
                    long waited = System.nanoTime() - lane.since;
                    long left = settings.window().toNanos() - waited;
                    if (left <= 0 || ended || full(lane)) {
                        return drain(lane);
                    }
                    changed.awaitNanos(left);
                } else if (ended && (window == null || !window.isOpen())) {
                    return null;
                } else {
                    // Woken by records, by the reader moving on (a window may close), or to look at the clock.
                    changed.await(1, TimeUnit.SECONDS);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private boolean full(Lane lane) {
        if (lane.pending.size() >= settings.batchSize() || lane.pendingBytes >= MAX_BATCH_BYTES) {
            return true;
        }
        TumblingWindow window = lane.window;
        return window != null && window.windowOf(lane.pending.peekLast().record.arrivalMillis())
                != window.windowOf(lane.pending.peekFirst().record.arrivalMillis());
    }

    /** Takes the lane's next batch: up to batchSize records, under 6 MB, of one tumbling window. */
    private Work.Batch drain(Lane lane) {
        List<Tracked> batch = new ArrayList<>();
        long bytes = 0;
        long windowStart = lane.window == null ? -1 : lane.window.windowOf(lane.pending.peekFirst().record.arrivalMillis());
        while (!lane.pending.isEmpty() && batch.size() < settings.batchSize()) {
            Tracked next = lane.pending.peekFirst();
            int size = next.record.record().length;
            if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                break;
            }
            if (lane.window != null && lane.window.windowOf(next.record.arrivalMillis()) != windowStart) {
                break;
            }
            lane.pending.pollFirst();
            lane.pendingBytes -= size;
            bytes += size;
            batch.add(next);
        }
        lane.since = System.nanoTime();
        return new Work.Batch(batch, windowStart);
    }

    /** Runs one batch to its end: success, discard, or the shard stopping (its records then stay unsettled). */
    private void process(Lane lane, Work.Batch batch) {
        function.metrics().oldestRecordAge(Math.max(0, clock.millis() - batch.records().getFirst().record.arrivalMillis()));
        Deque<Attempt> work = new ArrayDeque<>();
        work.add(new Attempt(batch.records(), 0, 0, null));
        while (!work.isEmpty() && !stopping) {
            Attempt attempt = work.peekFirst();
            if (settings.maxRecordAge() != null) {
                long oldest = clock.millis() - settings.maxRecordAge().toMillis();
                Map<Boolean, List<Tracked>> byAge = attempt.records.stream()
                        .collect(Collectors.partitioningBy(t -> t.record.arrivalMillis() < oldest));
                List<Tracked> expired = byAge.get(true);
                if (!expired.isEmpty()) {
                    if (!discard(expired, StreamFunction.Condition.RecordAgeExceeded, attempt.last, attempt.invokes)) {
                        return;
                    }
                    attempt.records = byAge.get(false);
                    if (attempt.records.isEmpty()) {
                        work.pollFirst();
                        continue;
                    }
                }
            }
            TumblingWindow.Invocation window = lane.window == null ? null : lane.window.batch(batch.windowStart());
            StreamFunction.Invoked invoked = function.invoke(shardId, records(attempt.records), window);
            attempt.invokes++;
            attempt.last = invoked;
            switch (invoked.outcome()) {
                case AttemptOutcome.Success success -> {
                    if (lane.window != null && !lane.window.carry(success.payload())) {
                        function.reporter().problem("InvalidWindowState", "the function's response to a tumbling "
                                + "window invocation has no state object; Lambda counts that as a failure");
                        failed(lane, work, attempt);
                        continue;
                    }
                    List<Tracked> failedRecords = reportedFailures(attempt.records, success.payload());
                    List<Tracked> done = attempt.records.subList(0, attempt.records.size() - failedRecords.size());
                    function.metrics().invoked(attempt.records.size());
                    settle(done);
                    lane.retries.reset();
                    lane.unavailable.reset();
                    if (failedRecords.isEmpty()) {
                        work.pollFirst();
                        function.reporter().enabled(MappingState.OK);
                        if (lane.window != null && lane.window.stateTooLarge()) {
                            closeWindow(lane, true);
                        }
                    } else {
                        function.metrics().failedInvoke(failedRecords.size());
                        attempt.records = failedRecords;
                        failed(lane, work, attempt);
                    }
                }
                case AttemptOutcome.FunctionError error -> {
                    function.metrics().failedInvoke(attempt.records.size());
                    failed(lane, work, attempt);
                }
                case AttemptOutcome.Throttled throttled -> {
                    LOG.debugf("shard %s: throttled (%s)", shardId, throttled.reason());
                    pauses.pause(lane.unavailable.next());
                }
                case AttemptOutcome.PlatformError error -> {
                    function.reporter().problem("InvocationFailed", error.errorCode() + ": " + error.message());
                    pauses.pause(lane.unavailable.next());
                }
                case AttemptOutcome.NotFound notFound -> {
                    function.reporter().waiting("FunctionNotFound", notFound.message());
                    pauses.pause(lane.unavailable.next());
                }
            }
        }
    }

    /**
     * The records reported failed under {@code ReportBatchItemFailures}: the first one reported and every record
     * after it (the checkpoint stops before it); the whole batch when the report is invalid.
     */
    private List<Tracked> reportedFailures(List<Tracked> records, byte[] response) {
        if (!settings.reportFailures()) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        records.forEach(t -> ids.add(function.shape().itemIdentifier(t.record)));
        return switch (BatchItemFailures.read(response, ids, id -> function.shape().reportedIdentifier(shardId, id))) {
            case BatchItemFailures.None none -> List.of();
            case BatchItemFailures.Some some -> {
                for (int i = 0; i < records.size(); i++) {
                    if (some.itemIdentifiers().contains(function.shape().itemIdentifier(records.get(i).record))) {
                        yield records.subList(i, records.size());
                    }
                }
                yield List.of();
            }
            case BatchItemFailures.Invalid invalid -> {
                function.reporter().problem("InvalidBatchItemFailures", "the function's response is not a valid "
                        + "partial batch response: " + invalid.reason() + "; the whole batch failed");
                yield records;
            }
        };
    }

    /** A batch the function failed: bisected, retried after a pause, or discarded once its retries are spent. */
    private void failed(Lane lane, Deque<Attempt> work, Attempt attempt) {
        if (settings.bisect() && attempt.records.size() > 1) {
            work.pollFirst();
            int half = attempt.records.size() / 2;
            // Bisecting spends no retry; the halves run first half first, keeping the shard's order.
            work.addFirst(new Attempt(attempt.records.subList(half, attempt.records.size()), attempt.retries,
                    attempt.invokes, attempt.last));
            work.addFirst(new Attempt(attempt.records.subList(0, half), attempt.retries, attempt.invokes,
                    attempt.last));
            return;
        }
        if (settings.maxRetries() >= 0 && attempt.retries >= settings.maxRetries()) {
            if (discard(attempt.records, StreamFunction.Condition.RetryAttemptsExhausted, attempt.last,
                    attempt.invokes)) {
                work.pollFirst();
            }
            return;
        }
        attempt.retries++;
        pauses.pause(lane.retries.next());
    }

    /** Sends a discarded batch's description until the destination takes it; false when the shard stops first. */
    private boolean discard(List<Tracked> records, StreamFunction.Condition condition, StreamFunction.Invoked last,
                            int invokes) {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
        while (!stopping) {
            try {
                function.discard(shardId, records(records), condition, last, invokes);
                settle(records);
                return true;
            } catch (IOException | RuntimeException e) {
                function.reporter().problem("DestinationFailed", "the failure destination did not take a "
                        + "discarded batch of shard " + shardId + ": " + e.getMessage() + "; the shard waits");
                pauses.pause(backoff.next());
            }
        }
        return false;
    }

    /** Closes the lane's tumbling window with its final invocation, retried until it succeeds. */
    private void closeWindow(Lane lane, boolean early) {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        while (!stopping) {
            TumblingWindow.Invocation last = early ? lane.window.terminatedEarly() : lane.window.last();
            StreamFunction.Invoked invoked = function.invoke(shardId, List.of(), last);
            if (invoked.outcome() instanceof AttemptOutcome.Success) {
                lane.window.reset(!early);
                return;
            }
            pauses.pause(backoff.next());
        }
    }

    private void settle(List<Tracked> records) {
        if (records.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (Tracked tracked : records) {
                tracked.settled = true;
                heldRecords--;
                heldBytes -= tracked.record.record().length;
            }
            advance();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the checkpoint over the settled records at the front. */
    private void advance() {
        String last = null;
        while (!order.isEmpty() && order.peekFirst().settled) {
            last = order.pollFirst().record.position();
        }
        if (last != null) {
            checkpoints.advanced(shardId, last);
        }
    }

    private static List<StreamRecord> records(List<Tracked> tracked) {
        return tracked.stream().map(t -> t.record).toList();
    }

    /**
     * Stops taking batches, waits for those under way to be invoked and settled, and returns; records not settled are
     * read again from the checkpoint by whoever polls the shard next.
     */
    @Override
    public void close() {
        stopping = true;
        pauses.stop();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + FINISH_BATCHES.toNanos();
        try {
            for (Thread thread : threads) {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warnf("shard %s: a batch was still under way when it closed", shardId);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
