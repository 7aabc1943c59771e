package dev.lamina.shim.http;

import dev.lamina.shim.ShimContract;
import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.environment.FunctionError;
import dev.lamina.shim.environment.Invocation;
import dev.lamina.shim.environment.InvocationRequest;
import dev.lamina.shim.environment.NextRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API ({@code /2018-06-01/runtime/…}) for one runtime connection: {@code next}, {@code response}
 * (buffered or streamed), {@code error} and {@code init/error}, with Lambda's status codes and error bodies; the
 * Extensions and Telemetry APIs on the same port go to {@link ExtensionRoutes}.
 */
final class RuntimeApiHandler extends HttpConnection {

    static final String ERROR_TYPE = ShimContract.STREAM_ERROR_TYPE;
    static final String ERROR_BODY = ShimContract.STREAM_ERROR_BODY;
    static final String RESPONSE_MODE = ShimContract.RESPONSE_MODE;

    private static final String BASE = "/2018-06-01/runtime";
    private static final Pattern INVOCATION = Pattern.compile(BASE + "/invocation/([^/]+)/(response|error)");
    private static final byte[] ACCEPTED = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);

    private final Environment environment;
    private final ExtensionRoutes extensionRoutes;
    /** This connection's {@code /next} while it waits for an event. */
    private PendingNext waitingNext;

    RuntimeApiHandler(Environment environment) {
        this.environment = environment;
        this.extensionRoutes = new ExtensionRoutes(environment);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (waitingNext != null) {
            environment.nextGone(waitingNext);
            waitingNext = null;
        }
        extensionRoutes.inactive();
        super.channelInactive(ctx);
    }

    @Override
    protected Body onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (path.equals(BASE + "/invocation/next")) {
            return method.equals(HttpMethod.GET)
                    ? Body.ignored(() -> {
                        waitingNext = new PendingNext(ctx.channel());
                        environment.next(waitingNext);
                    })
                    : methodNotAllowed(ctx, method, path);
        }
        if (path.equals(BASE + "/init/error")) {
            return method.equals(HttpMethod.POST) ? initError(ctx, request) : methodNotAllowed(ctx, method, path);
        }
        Matcher invocation = INVOCATION.matcher(path);
        if (invocation.matches()) {
            if (!method.equals(HttpMethod.POST)) {
                return methodNotAllowed(ctx, method, path);
            }
            String requestId = QueryStringDecoder.decodeComponent(invocation.group(1));
            return invocation.group(2).equals("response")
                    ? response(ctx, request, requestId)
                    : error(ctx, request, requestId);
        }
        if (path.startsWith(ExtensionRoutes.EXTENSION_BASE + "/") || path.equals(ExtensionRoutes.TELEMETRY_PATH)) {
            return extensionRoutes.route(ctx, request, path);
        }
        return Body.ignored(() -> Responses.apiError(ctx, HttpResponseStatus.NOT_FOUND,
                "No Runtime API resource at " + path, "NotFound"));
    }

    static Body methodNotAllowed(ChannelHandlerContext ctx, HttpMethod method, String path) {
        return Body.ignored(() -> Responses.apiError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                method + " is not allowed on " + path, "MethodNotAllowed"));
    }

    private Body response(ChannelHandlerContext ctx, HttpRequest request, String requestId) {
        String mode = request.headers().get(RESPONSE_MODE);
        if (mode != null && !mode.equals(ShimContract.STREAMING)) {
            return Body.ignored(() -> Responses.apiError(ctx, HttpResponseStatus.BAD_REQUEST,
                    "Invalid " + RESPONSE_MODE + ": " + mode + " (only 'streaming' is supported)",
                    "InvalidFunctionResponseMode"));
        }
        if (!(environment.lookup(requestId) instanceof Environment.Found found)) {
            return Body.ignored(() -> answerNotRunning(ctx, requestId));
        }
        Invocation invocation = found.invocation();
        if (mode != null) {
            return new StreamedResponse(ctx, environment, invocation,
                    request.headers().get("Content-Type", "application/octet-stream"));
        }
        return new BufferedBody(ctx.alloc(), Environment.MAX_RESPONSE_BYTES, (body, overflow, trailers) -> {
            if (!stillRunning(invocation)) {
                release(body);
                answerNotRunning(ctx, requestId);
            } else if (overflow) {
                environment.fail(invocation, FunctionError.responseTooLarge(Environment.MAX_RESPONSE_BYTES));
                Responses.apiError(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "Exceeded maximum allowed payload size (" + Environment.MAX_RESPONSE_BYTES + " bytes).",
                        "RequestEntityTooLarge");
            } else {
                environment.respond(invocation, body);
                accepted(ctx);
            }
        });
    }

    private Body error(ChannelHandlerContext ctx, HttpRequest request, String requestId) {
        if (!(environment.lookup(requestId) instanceof Environment.Found found)) {
            return Body.ignored(() -> answerNotRunning(ctx, requestId));
        }
        String errorType = request.headers().get(ERROR_TYPE);
        return new BufferedBody(ctx.alloc(), Environment.MAX_RESPONSE_BYTES, (body, overflow, trailers) -> {
            if (!stillRunning(found.invocation())) {
                release(body);
                answerNotRunning(ctx, requestId);
                return;
            }
            environment.fail(found.invocation(), overflow
                    ? FunctionError.responseTooLarge(Environment.MAX_RESPONSE_BYTES)
                    : FunctionError.fromRuntime(bytes(body), errorType));
            if (overflow) {
                Responses.apiError(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "Exceeded maximum allowed payload size (" + Environment.MAX_RESPONSE_BYTES + " bytes).",
                        "RequestEntityTooLarge");
            } else {
                accepted(ctx);
            }
        });
    }

    private Body initError(ChannelHandlerContext ctx, HttpRequest request) {
        String errorType = request.headers().get(ERROR_TYPE);
        return new BufferedBody(ctx.alloc(), Environment.MAX_RESPONSE_BYTES, (body, overflow, trailers) -> {
            byte[] document = overflow ? new byte[0] : bytes(body);
            if (environment.initError(FunctionError.fromRuntime(document, errorType))) {
                accepted(ctx);
            } else {
                Responses.apiError(ctx, HttpResponseStatus.FORBIDDEN,
                        "Init error reported after init completed", "InvalidStateTransition");
            }
        });
    }

    private boolean stillRunning(Invocation invocation) {
        return environment.lookup(invocation.requestId()) instanceof Environment.Found;
    }

    private void answerNotRunning(ChannelHandlerContext ctx, String requestId) {
        if (environment.lookup(requestId) instanceof Environment.AlreadyAnswered) {
            Responses.apiError(ctx, HttpResponseStatus.FORBIDDEN,
                    "Invocation " + requestId + " was already answered", "InvalidStateTransition");
        } else {
            Responses.apiError(ctx, HttpResponseStatus.BAD_REQUEST, "Invalid request ID", "InvalidRequestID");
        }
    }

    static void accepted(ChannelHandlerContext ctx) {
        Responses.json(ctx, HttpResponseStatus.ACCEPTED, ACCEPTED);
    }

    private static byte[] bytes(ByteBuf body) {
        try {
            return ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
    }

    private static void release(ByteBuf body) {
        if (body != null) {
            body.release();
        }
    }

    /** Reads a streamed response's error trailers: the type, and the error document as base64. */
    static FunctionError trailerError(HttpHeaders trailers) {
        String type = trailers.get(ERROR_TYPE);
        String encoded = trailers.get(ERROR_BODY);
        if (type == null && encoded == null) {
            return null;
        }
        byte[] document;
        try {
            document = encoded == null ? new byte[0] : Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException notBase64) {
            document = encoded.getBytes(StandardCharsets.UTF_8);
        }
        return FunctionError.fromRuntime(document, type);
    }

    /** A {@code /next} waiting on this connection for an event. */
    private final class PendingNext implements NextRequest {
        private final Channel channel;

        PendingNext(Channel channel) {
            this.channel = channel;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public ChannelFuture deliver(Invocation invocation) {
            if (waitingNext == this) {
                waitingNext = null;
            }
            InvocationRequest event = invocation.request();
            FullHttpResponse response = Responses.full(HttpResponseStatus.OK, Responses.JSON,
                    event.payload().retainedDuplicate());
            HttpHeaders headers = response.headers();
            headers.set("Lambda-Runtime-Aws-Request-Id", event.requestId());
            headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs()));
            headers.set("Lambda-Runtime-Invoked-Function-Arn", event.functionArn());
            headers.set("Lambda-Runtime-Trace-Id", event.traceId());
            if (event.clientContext() != null) {
                headers.set("Lambda-Runtime-Client-Context", event.clientContext().json());
            }
            if (event.cognitoIdentity() != null) {
                headers.set("Lambda-Runtime-Cognito-Identity", event.cognitoIdentity());
            }
            return channel.writeAndFlush(response);
        }
    }
}
