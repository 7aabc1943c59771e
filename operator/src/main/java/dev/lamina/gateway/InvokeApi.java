package dev.lamina.gateway;

import dev.lamina.async.IntakeResult;
import dev.lamina.shim.ShimContract;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Invoke API, {@code POST /2015-03-31/functions/{FunctionName}/invocations}, and InvokeWithResponseStream,
 * {@code POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations}, as AWS SDKs and the CLI call them.
 * Both read and check a request the same way. Runs on the event loop; nothing here blocks.
 */
@ApplicationScoped
public class InvokeApi {

    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final String STREAMING_PATH = "/2021-11-15/functions/:name/response-streaming-invocations";
    /** The invocation types each operation takes, in the order Lambda's validation message lists them. */
    private static final List<String> INVOKE_TYPES =
            List.of(ShimContract.EVENT, ShimContract.REQUEST_RESPONSE, ShimContract.DRY_RUN);
    private static final List<String> STREAM_TYPES = List.of(ShimContract.REQUEST_RESPONSE, ShimContract.DRY_RUN);

    /** What an operation does with a request read and checked. */
    @FunctionalInterface
    private interface Operation {
        void run(RoutingContext ctx, String invocationType, Buffer payload);
    }

    private final GatewayInvoker invoker;
    private final CallerCheck callers;
    private final AsyncEvents async;

    public InvokeApi(GatewayInvoker invoker, CallerCheck callers, AsyncEvents async) {
        this.invoker = invoker;
        this.callers = callers;
        this.async = async;
    }

    void routes(@Observes Router router) {
        router.post(ShimContract.invokePath(":name")).handler(ctx -> read(ctx, INVOKE_TYPES, this::invoke));
        router.post(STREAMING_PATH).handler(ctx -> read(ctx, STREAM_TYPES, this::invokeStreaming));
    }

    /** Checks the invocation type against the operation's, reads the payload up to Lambda's limit, then runs it. */
    private static void read(RoutingContext ctx, List<String> types, Operation operation) {
        HttpServerRequest request = ctx.request();
        String type = request.getHeader(InvokeHeaders.INVOCATION_TYPE);
        if (type != null && !types.contains(type)) {
            ErrorBodies.write(ctx.response(), RequestIds.next(), ServiceError.invalidParameter(
                    "1 validation error detected: Value '" + type + "' at 'invocationType' failed to satisfy"
                            + " constraint: Member must satisfy enum value set: [" + String.join(", ", types) + "]"));
            return;
        }
        BodyReader.read(request, ShimContract.MAX_PAYLOAD_BYTES, payload -> {
            if (payload == null) {
                ErrorBodies.write(ctx.response(), RequestIds.next(), ServiceError.tooLarge(
                        "Request must be smaller than " + ShimContract.MAX_PAYLOAD_BYTES
                                + " bytes for the InvokeFunction operation"));
            } else {
                operation.run(ctx, type, payload);
            }
        });
    }

    /** Once the caller may invoke the function: stored for later ({@code Event}) or invoked now. */
    private void invoke(RoutingContext ctx, String type, Buffer payload) {
        allowed(ctx, plainNamespace -> {
            if (ShimContract.EVENT.equals(type)) {
                enqueue(ctx, plainNamespace, payload);
            } else {
                invoker.invoke(synchronous(ctx, plainNamespace, type, payload))
                        .thenAccept(answer -> write(ctx.response(), answer));
            }
        });
    }

    /**
     * InvokeWithResponseStream: a response the function streams goes out as it comes; a buffered one, as one chunk.
     * Anything that fails before a response is the Invoke API's error answer.
     */
    private void invokeStreaming(RoutingContext ctx, String type, Buffer payload) {
        allowed(ctx, plainNamespace -> {
            EventStreamResponse events = new EventStreamResponse(ctx.response());
            invoker.invoke(synchronous(ctx, plainNamespace, type, payload), events).thenAccept(answer -> {
                switch (answer) {
                    case InvokeAnswer.Success success -> events.whole(success);
                    case InvokeAnswer.FunctionError failure -> events.whole(failure);
                    default -> write(ctx.response(), answer);
                }
            });
        });
    }

    /** Runs {@code then} once the caller may invoke the function, with the namespace plain names resolve in. */
    private void allowed(RoutingContext ctx, Consumer<String> then) {
        HttpServerRequest http = ctx.request();
        CallerCheck.proceed(ctx, callers.invoke(http.getHeader(HttpHeaders.AUTHORIZATION), ctx.pathParam("name"),
                http.getParam("Qualifier")), then);
    }

    private InvokeRequest synchronous(RoutingContext ctx, String plainNamespace, String type, Buffer payload) {
        HttpServerRequest http = ctx.request();
        return new InvokeRequest(plainNamespace, ctx.pathParam("name"),
                http.getParam("Qualifier"), payload, ShimContract.DRY_RUN.equals(type),
                ShimContract.TAIL.equals(http.getHeader(InvokeHeaders.LOG_TYPE)),
                http.getHeader(InvokeHeaders.CLIENT_CONTEXT), http.getHeader(InvokeHeaders.TRACE_ID), null);
    }

    /**
     * An {@code Event} invocation: stored durably, then answered 202 with the event's request id and an empty body.
     * A refusal carries a request id of its own, as no event exists.
     */
    private void enqueue(RoutingContext ctx, String plainNamespace, Buffer payload) {
        HttpServerRequest http = ctx.request();
        String refusalId = RequestIds.next();
        FunctionAddress address;
        try {
            address = FunctionAddress.parse(ctx.pathParam("name"), http.getParam("Qualifier"));
        } catch (FunctionAddress.InvalidAddress e) {
            ErrorBodies.write(ctx.response(), refusalId, ServiceError.invalidParameter(e.getMessage()));
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        async.enqueue(plainNamespace, address, payload.getBytes(), http.getHeader(InvokeHeaders.TRACE_ID))
                .whenComplete((result, failure) -> context.runOnContext(v -> {
                    switch (result) {
                        case IntakeResult.Accepted accepted -> ctx.response().setStatusCode(202)
                                .putHeader(InvokeHeaders.AMZN_REQUEST_ID, accepted.requestId()).end();
                        case IntakeResult.Rejected rejected -> ErrorBodies.write(ctx.response(), refusalId,
                                new ServiceError(rejected.errorType(), rejected.status(), rejected.message()));
                        case null -> ErrorBodies.write(ctx.response(), refusalId,
                                ServiceError.service("The event could not be queued: " + failure.getMessage()));
                    }
                }));
    }

    private void write(HttpServerResponse response, InvokeAnswer answer) {
        switch (answer) {
            case InvokeAnswer.Success s -> {
                headers(response, s.requestId(), s.executedVersion(), s.logResult());
                response.end(s.payload());
            }
            case InvokeAnswer.FunctionError f -> {
                headers(response, f.requestId(), f.executedVersion(), f.logResult());
                response.putHeader(InvokeHeaders.FUNCTION_ERROR, f.errorType());
                response.end(f.payload());
            }
            case InvokeAnswer.Streamed s -> {
                // The response went to the invocation's stream, which wrote and ended it.
            }
            case InvokeAnswer.DryRunPassed d -> response.setStatusCode(204)
                    .putHeader(InvokeHeaders.AMZN_REQUEST_ID, d.requestId()).end();
            case InvokeAnswer.Throttled t -> ErrorBodies.throttle(response, t.requestId(), t.reason(),
                    Math.max(1, t.retryAfter().toSeconds()));
            case InvokeAnswer.NotFound n -> ErrorBodies.write(response, n.requestId(),
                    ServiceError.notFound(n.message()));
            case InvokeAnswer.Failed f -> ErrorBodies.write(response, f.requestId(), f.error());
        }
    }

    private static void headers(HttpServerResponse response, String requestId, String version, String logResult) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .putHeader(InvokeHeaders.AMZN_REQUEST_ID, requestId)
                .putHeader(InvokeHeaders.EXECUTED_VERSION, version);
        if (logResult != null) {
            response.putHeader(InvokeHeaders.LOG_RESULT, logResult);
        }
    }
}
