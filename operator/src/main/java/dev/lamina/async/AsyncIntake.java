package dev.lamina.async;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Accepts asynchronous invocations ({@code X-Amz-Invocation-Type: Event}): checks their payload as Lambda does and
 * stores them durably. The returned future completes with {@link IntakeResult.Accepted} only after the event is on
 * disk.
 */
public final class AsyncIntake {

    /** Lambda's payload limit for asynchronous invocations. */
    public static final int MAX_PAYLOAD_BYTES = 1_048_576;
    private static final Logger LOG = Logger.getLogger(AsyncIntake.class);
    /** What a function receives when invoked without a payload, as in Lambda. */
    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    private final EventStore store;
    private final AsyncFunctions functions;
    private final AsyncMetrics metrics;
    private final InstantSource clock;
    private final WorkSignal newWork;

    AsyncIntake(EventStore store, AsyncFunctions functions, AsyncMetrics metrics, InstantSource clock, WorkSignal newWork) {
        this.store = store;
        this.functions = functions;
        this.metrics = metrics;
        this.clock = clock;
        this.newWork = newWork;
    }

    /**
     * @param function    the function and qualifier as the caller addressed it, which the caller has found (Lambda's
     *                    404 comes before any check of the payload)
     * @param payload     the request body
     * @param traceHeader the caller's {@code X-Amzn-Trace-Id}, or null
     */
    public CompletableFuture<IntakeResult> accept(FunctionRef function, byte[] payload, String traceHeader) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return rejected(413, "RequestTooLargeException",
                    "Request must be smaller than " + MAX_PAYLOAD_BYTES + " bytes for the Event invocation type");
        }
        if (payload.length == 0) {
            return store(function, EMPTY_EVENT, traceHeader);
        }
        if (Json.parse(payload).isEmpty()) {
            return rejected(400, "InvalidRequestContentException",
                    "Could not parse request body into json: the payload is not a single valid JSON document");
        }
        return store(function, payload, traceHeader);
    }

    /** Queues a destination record for a function destination; fails when that function does not exist. */
    CompletableFuture<Void> forward(FunctionRef target, String record, String traceHeader) {
        if (functions.find(target).isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("destination function not found: " + target));
        }
        return store(target, record.getBytes(StandardCharsets.UTF_8), traceHeader).thenAccept(result -> {
            if (result instanceof IntakeResult.Rejected rejected) {
                throw new IllegalStateException(rejected.message());
            }
        });
    }

    private CompletableFuture<IntakeResult> store(FunctionRef function, byte[] payload, String traceHeader) {
        // The trace header is fixed here (a new trace root if the caller sent none) so every attempt carries the same.
        AsyncEvent event = AsyncEvent.accepted(UUID.randomUUID().toString(), function, payload,
                TraceHeader.parse(traceHeader).toString(), clock.instant());
        return store.add(event).handle((stored, failure) -> {
            if (failure != null) {
                LOG.errorf("Could not store an asynchronous event for %s: %s", function, failure.getMessage());
                return new IntakeResult.Rejected(500, "ServiceException", "The event could not be stored; nothing was queued.");
            }
            metrics.received(function);
            newWork.signal();
            return new IntakeResult.Accepted(event.requestId());
        });
    }

    private static CompletableFuture<IntakeResult> rejected(int status, String type, String message) {
        return CompletableFuture.completedFuture(new IntakeResult.Rejected(status, type, message));
    }
}
