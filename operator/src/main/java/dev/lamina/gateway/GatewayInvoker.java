package dev.lamina.gateway;

import dev.lamina.environments.Slot;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.shim.ClientContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The invocation path: resolve the function and qualifier (alias weights pick the version), check the request,
 * admit it under the function's and the account's concurrency limits, take a slot on an environment (waiting,
 * bounded, while the autoscaler adds one), forward to the environment and map its answer.
 */
@ApplicationScoped
public class GatewayInvoker implements Invoker {

    /**
     * A busy answer means another gateway took the environment's slot first: try other slots a few times, then let
     * an environment queue the invocation.
     */
    private static final int BUSY_RETRIES = 3;
    /**
     * How long an environment may take to answer beyond the function timeout before the gateway gives up on it: the
     * environment enforces the timeout itself (and Lambda's 10 s init budget); this only catches one that hangs, so
     * it is generous enough for a machine that is busy.
     */
    private static final Duration ENVIRONMENT_GRACE = Duration.ofSeconds(40);

    private final Catalog catalog;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final OutcomeCounters outcomes;
    private final ShimClient shims;
    private final Arns arns;
    private final Vertx vertx;

    public GatewayInvoker(Catalog catalog, GatewayConfig config, GatewayMetrics metrics, OutcomeCounters outcomes,
                          Accounts accounts, Vertx vertx) {
        this.catalog = catalog;
        this.config = config;
        this.metrics = metrics;
        this.outcomes = outcomes;
        this.shims = new ShimClient(vertx);
        this.arns = new Arns(config.region(), accounts);
        this.vertx = vertx;
    }

    public Arns arns() {
        return arns;
    }

    /** A buffered invocation: a response the function streams is collected (up to Lambda's limit for streams). */
    @Override
    public CompletionStage<InvokeAnswer> invoke(InvokeRequest request) {
        return invoke(request, null);
    }

    /**
     * An invocation whose response, when the function streams it, goes to {@code stream} as it arrives (see
     * {@link ResponseStream} for the order of calls and backpressure); the answer is then
     * {@link InvokeAnswer.Streamed}, once the stream has ended. A function that answers buffered, and every failure
     * before a response, get the same answers as {@link #invoke(InvokeRequest)}, and the stream is never started.
     * Call it on a Vert.x context (a door's request handler): the stream is called on that context; from elsewhere,
     * on a new one. With a null stream this is {@link #invoke(InvokeRequest)}.
     */
    public CompletionStage<InvokeAnswer> invoke(InvokeRequest request, ResponseStream stream) {
        Context context = stream == null ? null : Vertx.currentContext();
        if (stream != null && context == null) {
            context = vertx.getOrCreateContext();
        }
        String requestId = request.requestId() != null ? request.requestId() : RequestIds.next();
        FunctionAddress address;
        try {
            address = FunctionAddress.parse(request.functionName(), request.qualifier());
        } catch (FunctionAddress.InvalidAddress e) {
            return done(new InvokeAnswer.Failed(requestId, ServiceError.invalidParameter(e.getMessage())));
        }
        String qualifier = address.qualifier();
        FunctionEntry function = catalog.find(request.namespace(), address);
        DeployedVersion version = function == null ? null : function.resolve(qualifier);
        if (version == null) {
            return done(new InvokeAnswer.NotFound(requestId,
                    "Function not found: " + arns.named(address, request.namespace(), qualifier)));
        }
        if (version.pool() == null) {
            return done(new InvokeAnswer.Failed(requestId, ServiceError.notActive(version.info().state())));
        }
        if (request.dryRun()) {
            return done(new InvokeAnswer.DryRunPassed(requestId));
        }
        ClientContext clientContext;
        try {
            clientContext = ClientContext.decode(request.clientContext());
        } catch (IllegalArgumentException invalid) {
            return done(new InvokeAnswer.Failed(requestId, ServiceError.invalidParameter(invalid.getMessage())));
        }
        String payloadError = RequestChecks.payloadError(request.payload());
        if (payloadError != null) {
            return done(new InvokeAnswer.Failed(requestId, ServiceError.invalidContent(payloadError)));
        }
        String resource = qualifier == null ? function.name() : function.name() + ":" + qualifier;
        GatewayMetrics.InvocationMeters meters = metrics.invocation(function.namespace(), function.name(), resource,
                version.version());
        OutcomeCounters.VersionCounters counters = outcomes.version(function.namespace(), function.name(),
                version.version());
        ConcurrencyLimits.FunctionLimit limit = catalog.limit(function.namespace(), function.name());
        if (limit == null) {
            return done(new InvokeAnswer.NotFound(requestId,
                    "Function not found: " + arns.named(address, request.namespace(), qualifier)));
        }
        ConcurrencyLimits.Admission admission = limit.tryAdmit();
        if (admission instanceof ConcurrencyLimits.Throttle(String reason)) {
            meters.throttled();
            counters.throttled();
            return done(new InvokeAnswer.Throttled(requestId, reason, config.retryAfter()));
        }
        ConcurrencyLimits.Permit permit = (ConcurrencyLimits.Permit) admission;
        long start = System.nanoTime();
        version.demand().increment();
        Call call = new Call(request, clientContext, function.name(), version, requestId,
                arns.function(function.namespace(), function.name(), qualifier),
                Duration.ofSeconds(version.info().spec().timeoutSeconds()).plus(ENVIRONMENT_GRACE),
                stream == null ? null : new ShimClient.Streaming(stream, version.version(), context));
        call.attempt(0);
        return call.result.whenComplete((answer, error) -> {
            permit.release();
            version.demand().decrement();
            long elapsed = System.nanoTime() - start;
            switch (answer) {
                case InvokeAnswer.Success s -> countAnswer(meters, counters, elapsed, false);
                case InvokeAnswer.FunctionError f -> countAnswer(meters, counters, elapsed, true);
                case InvokeAnswer.Streamed s -> countAnswer(meters, counters, elapsed, s.functionError());
                case InvokeAnswer.Throttled t -> {
                    meters.throttled();
                    counters.throttled();
                }
                // A version that cannot start is the user's error, but it failed the call: it counts against it.
                case InvokeAnswer.Failed f when f.error().platformFault() || call.notStarted ->
                        counters.answered(elapsed, false, true);
                case null, default -> {
                }
            }
        });
    }

    private static void countAnswer(GatewayMetrics.InvocationMeters meters, OutcomeCounters.VersionCounters counters,
                                    long elapsedNanos, boolean functionError) {
        meters.answered(elapsedNanos, functionError);
        counters.answered(elapsedNanos, functionError, false);
    }

    @PreDestroy
    void close() {
        shims.close();
    }

    private static CompletionStage<InvokeAnswer> done(InvokeAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    /** One admitted invocation on its way to an environment. */
    private final class Call {
        final CompletableFuture<InvokeAnswer> result = new CompletableFuture<>();
        final InvokeRequest request;
        /** Checked once, here: the environment is handed it as it is. */
        final ClientContext clientContext;
        final String functionName;
        final DeployedVersion version;
        final String requestId;
        final String invokedArn;
        final Duration answerWithin;
        /** Where a streamed response goes, or null to collect it. */
        final ShimClient.Streaming streaming;
        /** No environment could start for it. */
        volatile boolean notStarted;

        Call(InvokeRequest request, ClientContext clientContext, String functionName, DeployedVersion version,
             String requestId, String invokedArn, Duration answerWithin, ShimClient.Streaming streaming) {
            this.request = request;
            this.clientContext = clientContext;
            this.functionName = functionName;
            this.version = version;
            this.requestId = requestId;
            this.invokedArn = invokedArn;
            this.answerWithin = answerWithin;
            this.streaming = streaming;
        }

        void attempt(int busyAnswers) {
            version.slots().acquire(config.maxSlotWait(), config.maxStartWait()).whenComplete((taken, waitError) -> {
                if (waitError != null) {
                    result.complete(waitFailed(unwrap(waitError)));
                } else {
                    forward(taken, busyAnswers);
                }
            });
        }

        private void forward(Slot slot, int busyAnswers) {
            boolean mayQueue = busyAnswers >= BUSY_RETRIES;
            shims.send(slot, mayQueue, functionName, request, clientContext, requestId, invokedArn, answerWithin,
                            streaming)
                    .onComplete(sent -> answered(slot, busyAnswers, sent));
        }

        private void answered(Slot slot, int busyAnswers, AsyncResult<ShimClient.Reply> sent) {
            slot.release();
            if (sent.failed()) {
                result.complete(new InvokeAnswer.Failed(requestId, ServiceError.service(
                        "The execution environment of " + version.ref() + " did not answer: "
                                + sent.cause().getMessage())));
                return;
            }
            ShimClient.Reply reply = sent.result();
            if (reply.streamed()) {
                result.complete(new InvokeAnswer.Streamed(requestId, version.version(), reply.functionError() != null));
            } else if (reply.busy()) {
                attempt(busyAnswers + 1);
            } else if (reply.status() != 200) {
                result.complete(new InvokeAnswer.Failed(requestId, ServiceError.service(
                        "The execution environment of " + version.ref() + " answered HTTP " + reply.status()
                                + ": " + reply.body())));
            } else if (reply.functionError() != null) {
                result.complete(new InvokeAnswer.FunctionError(requestId, version.version(),
                        reply.functionError(), reply.body(), reply.logResult()));
            } else {
                result.complete(new InvokeAnswer.Success(requestId, version.version(), reply.body(),
                        reply.logResult()));
            }
        }

        private InvokeAnswer waitFailed(Throwable error) {
            return switch (error) {
                case SlotQueue.WaitTimedOut t -> new InvokeAnswer.Throttled(requestId,
                        "FunctionInvocationRateLimitExceeded", config.retryAfter());
                case SlotQueue.StartFailed f -> {
                    notStarted = true;
                    yield new InvokeAnswer.Failed(requestId,
                            ServiceError.cannotStart(version.ref().toString(), f.getMessage()));
                }
                default -> new InvokeAnswer.Failed(requestId, ServiceError.service(String.valueOf(error)));
            };
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
