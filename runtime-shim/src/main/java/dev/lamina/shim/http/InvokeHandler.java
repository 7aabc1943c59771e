package dev.lamina.shim.http;

import static dev.lamina.shim.ShimContract.AMZN_ERROR_TYPE;
import static dev.lamina.shim.ShimContract.AMZN_REQUEST_ID;
import static dev.lamina.shim.ShimContract.CLIENT_CONTEXT;
import static dev.lamina.shim.ShimContract.DO_NOT_WAIT;
import static dev.lamina.shim.ShimContract.DRY_RUN;
import static dev.lamina.shim.ShimContract.EVENT;
import static dev.lamina.shim.ShimContract.EXECUTED_VERSION;
import static dev.lamina.shim.ShimContract.FUNCTION_ERROR;
import static dev.lamina.shim.ShimContract.INVOCATION_TYPE;
import static dev.lamina.shim.ShimContract.LAMINA_BUSY;
import static dev.lamina.shim.ShimContract.LAMINA_COGNITO_IDENTITY;
import static dev.lamina.shim.ShimContract.LAMINA_INVOKED_FUNCTION_ARN;
import static dev.lamina.shim.ShimContract.LAMINA_REQUEST_ID;
import static dev.lamina.shim.ShimContract.LAMINA_WAIT;
import static dev.lamina.shim.ShimContract.LOG_RESULT;
import static dev.lamina.shim.ShimContract.LOG_TYPE;
import static dev.lamina.shim.ShimContract.MAX_PAYLOAD_BYTES;
import static dev.lamina.shim.ShimContract.READY_PATH;
import static dev.lamina.shim.ShimContract.REQUEST_RESPONSE;
import static dev.lamina.shim.ShimContract.STATE_PATH;
import static dev.lamina.shim.ShimContract.TAIL;
import static dev.lamina.shim.ShimContract.TRACE_ID;
import static dev.lamina.shim.ShimContract.UNHANDLED;

import dev.lamina.shim.ClientContext;
import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.ShimContract;
import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.environment.FunctionError;
import dev.lamina.shim.environment.Invocation;
import dev.lamina.shim.environment.InvocationRequest;
import dev.lamina.shim.environment.InvocationSink;
import dev.lamina.shim.environment.Outcome;
import dev.lamina.shim.json.Json;
import dev.lamina.shim.metrics.ShimMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The invoke side of one connection: {@code POST /2015-03-31/functions/{name}/invocations} (the gateway's path and
 * the AWS emulator's), plus {@code /ready}, {@code /state} and {@code /metrics}.
 */
final class InvokeHandler extends HttpConnection {

    private static final Pattern REQUEST_ID_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final List<String> INVOCATION_TYPES = List.of(REQUEST_RESPONSE, EVENT, DRY_RUN);
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String STREAM_TRAILERS = RuntimeApiHandler.ERROR_TYPE + ", " + RuntimeApiHandler.ERROR_BODY;

    private final ShimConfig config;
    private final Environment environment;
    private final ShimMetrics metrics;
    private final List<Invocation> open = new ArrayList<>(1);
    private Runnable onWritable;

    InvokeHandler(ShimConfig config, Environment environment, ShimMetrics metrics) {
        this.config = config;
        this.environment = environment;
        this.metrics = metrics;
    }

    @Override
    protected Body onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean get = request.method().equals(HttpMethod.GET);
        if (ShimContract.isInvokePath(path)) {
            return request.method().equals(HttpMethod.POST) ? invoke(ctx, request) : notAllowed(ctx, request);
        }
        return switch (path) {
            case READY_PATH -> get ? Body.ignored(() -> ready(ctx)) : notAllowed(ctx, request);
            case STATE_PATH -> get ? Body.ignored(() -> Responses.json(ctx, HttpResponseStatus.OK, Json.state(
                    environment.ready(), environment.inFlight(), environment.capacity(), environment.waiting(),
                    environment.pendingInitError()))) : notAllowed(ctx, request);
            case "/metrics" -> get ? Body.ignored(() -> Responses.text(ctx, HttpResponseStatus.OK, PROMETHEUS,
                    metrics.render())) : notAllowed(ctx, request);
            default -> Body.ignored(() -> Responses.serviceError(ctx, HttpResponseStatus.NOT_FOUND,
                    "ResourceNotFoundException", "No resource at " + path));
        };
    }

    private void ready(ChannelHandlerContext ctx) {
        boolean ready = environment.ready();
        Responses.text(ctx, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8", ready ? "ready\n" : "initializing\n");
    }

    private static Body notAllowed(ChannelHandlerContext ctx, HttpRequest request) {
        return Body.ignored(() -> Responses.serviceError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                "MethodNotAllowedException", request.method() + " is not allowed on this resource"));
    }

    private Body invoke(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        String invocationType = headers.get(INVOCATION_TYPE, REQUEST_RESPONSE);
        String requestId = headers.get(LAMINA_REQUEST_ID, UUID.randomUUID().toString());
        ClientContext clientContext;
        try {
            clientContext = ClientContext.decode(headers.get(CLIENT_CONTEXT));
        } catch (IllegalArgumentException invalid) {
            return rejected(ctx, "InvalidRequestContentException", invalid.getMessage());
        }
        if (!REQUEST_ID_FORMAT.matcher(requestId).matches()) {
            return rejected(ctx, "InvalidParameterValueException",
                    LAMINA_REQUEST_ID + " must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        if (!INVOCATION_TYPES.contains(invocationType)) {
            return rejected(ctx, "InvalidParameterValueException", INVOCATION_TYPE + " must be "
                    + REQUEST_RESPONSE + ", " + EVENT + " or " + DRY_RUN + ", got: " + invocationType);
        }
        return new BufferedBody(ctx.alloc(), MAX_PAYLOAD_BYTES, (payload, overflow, trailers) -> {
            if (overflow) {
                Responses.serviceError(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestTooLargeException",
                        "Request must be smaller than " + MAX_PAYLOAD_BYTES + " bytes for the InvokeFunction operation");
                return;
            }
            boolean event = invocationType.equals(EVENT);
            InvocationRequest invocation = new InvocationRequest(requestId, payload, headers.get(TRACE_ID),
                    clientContext, headers.get(LAMINA_COGNITO_IDENTITY),
                    headers.get(LAMINA_INVOKED_FUNCTION_ARN, config.defaultFunctionArn()),
                    !event && TAIL.equals(headers.get(LOG_TYPE)),
                    event || !DO_NOT_WAIT.equalsIgnoreCase(headers.get(LAMINA_WAIT)));
            switch (invocationType) {
                case DRY_RUN -> {
                    payload.release();
                    Responses.send(ctx, HttpResponseStatus.NO_CONTENT, null, new byte[0]);
                }
                case EVENT -> {
                    environment.admit(new Invocation(invocation, new DiscardingSink()));
                    FullHttpResponse accepted = Responses.full(HttpResponseStatus.ACCEPTED, null, Unpooled.EMPTY_BUFFER);
                    accepted.headers().set(LAMINA_REQUEST_ID, requestId).set(AMZN_REQUEST_ID, requestId);
                    ctx.writeAndFlush(accepted);
                }
                default -> {
                    Invocation caller = new Invocation(invocation, new CallerSink(ctx, invocation));
                    open.add(caller);
                    environment.admit(caller);
                }
            }
        });
    }

    private static Body rejected(ChannelHandlerContext ctx, String code, String message) {
        return Body.ignored(() -> Responses.serviceError(ctx, HttpResponseStatus.BAD_REQUEST, code, message));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (Invocation invocation : List.copyOf(open)) {
            environment.abandon(invocation);
        }
        open.clear();
        runWritable();
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            runWritable();
        }
        super.channelWritabilityChanged(ctx);
    }

    private void runWritable() {
        Runnable action = onWritable;
        onWritable = null;
        if (action != null) {
            action.run();
        }
    }

    /** Sends an invocation's answer back on this connection. */
    private final class CallerSink implements InvocationSink {
        private final ChannelHandlerContext ctx;
        private final InvocationRequest request;

        CallerSink(ChannelHandlerContext ctx, InvocationRequest request) {
            this.ctx = ctx;
            this.request = request;
        }

        private void addCommonHeaders(HttpHeaders headers) {
            headers.set(EXECUTED_VERSION, config.functionVersion())
                    .set(LAMINA_REQUEST_ID, request.requestId())
                    .set(AMZN_REQUEST_ID, request.requestId())
                    .set(TRACE_ID, request.traceId());
        }

        private void finished() {
            open.removeIf(invocation -> invocation.request() == request);
        }

        @Override
        public void busy() {
            finished();
            FullHttpResponse busy = Responses.full(HttpResponseStatus.TOO_MANY_REQUESTS, Responses.JSON,
                    Unpooled.wrappedBuffer(Json.serviceError("All " + environment.capacity()
                            + " slots of this execution environment are busy", "EnvironmentBusy")));
            busy.headers().set(LAMINA_BUSY, "true")
                    .set(AMZN_ERROR_TYPE, "TooManyRequestsException")
                    .set(LAMINA_REQUEST_ID, request.requestId());
            ctx.writeAndFlush(busy);
        }

        @Override
        public void respond(Outcome outcome, byte[] tail) {
            finished();
            ByteBuf body = switch (outcome) {
                case Outcome.Success success -> success.body();
                case Outcome.Failure failure -> Unpooled.wrappedBuffer(failure.error().body());
            };
            if (!ctx.channel().isActive()) {
                body.release();
                return;
            }
            FullHttpResponse response = Responses.full(HttpResponseStatus.OK, Responses.JSON, body);
            addCommonHeaders(response.headers());
            if (outcome instanceof Outcome.Failure) {
                response.headers().set(FUNCTION_ERROR, UNHANDLED);
            }
            if (tail != null) {
                response.headers().set(LOG_RESULT, Base64.getEncoder().encodeToString(tail));
            }
            ctx.writeAndFlush(response);
        }

        @Override
        public void startStream(String contentType) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpHeaders headers = response.headers();
            addCommonHeaders(headers);
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                    .set(RuntimeApiHandler.RESPONSE_MODE, ShimContract.STREAMING)
                    .set(HttpHeaderNames.TRAILER, request.tail()
                            ? STREAM_TRAILERS + ", " + LOG_RESULT : STREAM_TRAILERS);
            ctx.writeAndFlush(response);
        }

        @Override
        public void streamChunk(ByteBuf chunk) {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttpContent(chunk));
            } else {
                chunk.release();
            }
        }

        @Override
        public void endStream(FunctionError error, byte[] tail) {
            finished();
            LastHttpContent last = new DefaultLastHttpContent();
            if (error != null) {
                last.trailingHeaders()
                        .set(RuntimeApiHandler.ERROR_TYPE, error.errorType())
                        .set(RuntimeApiHandler.ERROR_BODY, Base64.getEncoder().encodeToString(error.body()));
            }
            if (tail != null) {
                last.trailingHeaders().set(LOG_RESULT, Base64.getEncoder().encodeToString(tail));
            }
            ctx.writeAndFlush(last);
        }

        @Override
        public boolean writable() {
            return !ctx.channel().isActive() || ctx.channel().isWritable();
        }

        @Override
        public void whenWritable(Runnable action) {
            if (writable()) {
                action.run();
            } else {
                onWritable = action;
            }
        }
    }

    /** Event invocations: the caller got 202 already; the outcome is only logged. */
    private static final class DiscardingSink implements InvocationSink {
        @Override
        public void busy() {
            // Never: an Event invocation waits for its slot.
        }

        @Override
        public void respond(Outcome outcome, byte[] tail) {
            if (outcome instanceof Outcome.Success success) {
                success.body().release();
            }
        }

        @Override
        public void startStream(String contentType) {
        }

        @Override
        public void streamChunk(ByteBuf chunk) {
            chunk.release();
        }

        @Override
        public void endStream(FunctionError error, byte[] tail) {
        }
    }
}
