package dev.lamina.shim.http;

import dev.lamina.shim.ShimConfig;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The invoke side of one connection: {@code POST /2015-03-31/functions/{name}/invocations} (the gateway's path and
 * the AWS emulator's), plus {@code /ready}, {@code /state} and {@code /metrics}.
 */
final class InvokeHandler extends HttpConnection {

    /** Lambda's synchronous payload limit. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/[^/]+/invocations");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_CLIENT_CONTEXT = 3583;
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
        if (INVOKE.matcher(path).matches()) {
            return request.method().equals(HttpMethod.POST) ? invoke(ctx, request) : notAllowed(ctx, request);
        }
        return switch (path) {
            case "/ready" -> get ? Body.ignored(() -> ready(ctx)) : notAllowed(ctx, request);
            case "/state" -> get ? Body.ignored(() -> Responses.json(ctx, HttpResponseStatus.OK, Json.state(
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
        String invocationType = headers.get("X-Amz-Invocation-Type", "RequestResponse");
        String requestId = headers.get("Lamina-Request-Id", UUID.randomUUID().toString());
        String clientContext;
        try {
            clientContext = clientContext(headers.get("X-Amz-Client-Context"));
        } catch (IllegalArgumentException invalid) {
            return rejected(ctx, "InvalidRequestContentException", invalid.getMessage());
        }
        if (!REQUEST_ID.matcher(requestId).matches()) {
            return rejected(ctx, "InvalidParameterValueException",
                    "Lamina-Request-Id must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        if (!List.of("RequestResponse", "Event", "DryRun").contains(invocationType)) {
            return rejected(ctx, "InvalidParameterValueException",
                    "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got: " + invocationType);
        }
        return new BufferedBody(ctx.alloc(), MAX_PAYLOAD_BYTES, (payload, overflow, trailers) -> {
            if (overflow) {
                Responses.serviceError(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestTooLargeException",
                        "Request must be smaller than " + MAX_PAYLOAD_BYTES + " bytes for the InvokeFunction operation");
                return;
            }
            String traceId = headers.get("X-Amzn-Trace-Id", newTraceId());
            InvocationRequest invocation = new InvocationRequest(requestId, payload, traceId, clientContext,
                    headers.get("Lamina-Cognito-Identity"),
                    headers.get("Lamina-Invoked-Function-Arn", config.defaultFunctionArn()),
                    "Tail".equals(headers.get("X-Amz-Log-Type")),
                    !"false".equalsIgnoreCase(headers.get("Lamina-Wait")));
            switch (invocationType) {
                case "DryRun" -> {
                    payload.release();
                    Responses.send(ctx, HttpResponseStatus.NO_CONTENT, null, new byte[0]);
                }
                case "Event" -> {
                    environment.admit(new Invocation(withWaiting(invocation), new DiscardingSink()));
                    FullHttpResponse accepted = Responses.full(HttpResponseStatus.ACCEPTED, null, Unpooled.EMPTY_BUFFER);
                    accepted.headers().set("Lamina-Request-Id", requestId).set("X-Amzn-RequestId", requestId);
                    ctx.writeAndFlush(accepted);
                }
                default -> admit(ctx, invocation);
            }
        });
    }

    private static InvocationRequest withWaiting(InvocationRequest request) {
        return new InvocationRequest(request.requestId(), request.payload(), request.traceId(),
                request.clientContext(), request.cognitoIdentity(), request.functionArn(), false, true);
    }

    private void admit(ChannelHandlerContext ctx, InvocationRequest request) {
        Invocation invocation = new Invocation(request, new CallerSink(ctx, request));
        open.add(invocation);
        if (!environment.admit(invocation)) {
            open.remove(invocation);
            request.payload().release();
            FullHttpResponse busy = Responses.full(HttpResponseStatus.TOO_MANY_REQUESTS, Responses.JSON,
                    Unpooled.wrappedBuffer(Json.serviceError("All " + environment.capacity()
                            + " slots of this execution environment are busy", "EnvironmentBusy")));
            busy.headers().set("Lamina-Busy", "true")
                    .set("x-amzn-ErrorType", "TooManyRequestsException")
                    .set("Lamina-Request-Id", request.requestId());
            ctx.writeAndFlush(busy);
        }
    }

    private static Body rejected(ChannelHandlerContext ctx, String code, String message) {
        return Body.ignored(() -> Responses.serviceError(ctx, HttpResponseStatus.BAD_REQUEST, code, message));
    }

    /** Lambda takes the client context as base64 of a JSON object, at most 3583 bytes encoded. */
    static String clientContext(String encoded) {
        if (encoded == null) {
            return null;
        }
        if (encoded.length() > MAX_CLIENT_CONTEXT) {
            throw new IllegalArgumentException("Client context must be at most " + MAX_CLIENT_CONTEXT + " bytes");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("Client context must be a valid Base64-encoded JSON object.");
        }
        if (!Json.isObject(decoded)) {
            throw new IllegalArgumentException("Client context must be a valid Base64-encoded JSON object.");
        }
        return new String(decoded, StandardCharsets.UTF_8);
    }

    /** An X-Ray trace header as Lambda makes one: {@code Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0}. */
    static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] root = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(root);
        random.nextBytes(parent);
        HexFormat hex = HexFormat.of();
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.formatHex(root)
                + ";Parent=" + hex.formatHex(parent) + ";Sampled=0";
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
            headers.set("X-Amz-Executed-Version", config.functionVersion())
                    .set("Lamina-Request-Id", request.requestId())
                    .set("X-Amzn-RequestId", request.requestId())
                    .set("X-Amzn-Trace-Id", request.traceId());
        }

        private void finished() {
            open.removeIf(invocation -> invocation.request() == request);
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
                response.headers().set("X-Amz-Function-Error", "Unhandled");
            }
            if (tail != null) {
                response.headers().set("X-Amz-Log-Result", Base64.getEncoder().encodeToString(tail));
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
                    .set(RuntimeApiHandler.RESPONSE_MODE, "streaming")
                    .set(HttpHeaderNames.TRAILER, request.tail()
                            ? STREAM_TRAILERS + ", X-Amz-Log-Result" : STREAM_TRAILERS);
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
                last.trailingHeaders().set("X-Amz-Log-Result", Base64.getEncoder().encodeToString(tail));
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
