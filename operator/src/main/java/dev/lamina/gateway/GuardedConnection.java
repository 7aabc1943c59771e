package dev.lamina.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.HostAndPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/1.1 connection of the gateway's server, between the request decoder and Vert.x: deadlines for a request's
 * headers and body, the count of connections waiting for headers, and the answers to requests the decoder found
 * malformed, so that none of them reaches a door and none leaves a connection hanging.
 * <p>
 * The answer to a malformed or too slow request is written here (400, 408, 414 or 431, then close) when the door has
 * not begun answering that request; otherwise the connection is closed once the answer in progress is sent.
 * Everything runs on the connection's event loop.
 */
final class GuardedConnection extends ChannelDuplexHandler {

    private enum Phase { HEADERS, BODY, BETWEEN_REQUESTS, CLOSING }

    private final GatewayConfig.Http limits;
    private final AtomicInteger awaitingHeaders;
    private Phase phase = Phase.HEADERS;
    private boolean counted;
    private ScheduledFuture<?> deadline;
    /** Requests whose headers arrived, answers begun and answers sent (1xx aside): they tell whose turn it is. */
    private long requests;
    private long answersBegun;
    private long answersSent;
    private boolean closeAfterAnswer;

    GuardedConnection(GatewayConfig.Http limits, AtomicInteger awaitingHeaders) {
        this.limits = limits;
        this.awaitingHeaders = awaitingHeaders;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (awaitingHeaders.incrementAndGet() > limits.maxHalfOpenConnections()) {
            awaitingHeaders.decrementAndGet();
            phase = Phase.CLOSING;
            ctx.close();
            return;
        }
        counted = true;
        startDeadline(ctx, limits.headerTimeout(), "The request headers were not complete in time.");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event != StrictRequestDecoder.REQUEST_STARTED) {
            super.userEventTriggered(ctx, event);
        } else if (phase == Phase.BETWEEN_REQUESTS) {
            // A kept-alive client is already connected: counted, never refused.
            phase = Phase.HEADERS;
            awaitingHeaders.incrementAndGet();
            counted = true;
            startDeadline(ctx, limits.headerTimeout(), "The request headers were not complete in time.");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            requests++;
            stopWaiting();
            if (request.decoderResult().isFailure()) {
                refuse(ctx, msg, statusFor(request.decoderResult().cause()), message(request.decoderResult().cause()));
                return;
            }
            if (!hostValid(request)) {
                refuse(ctx, msg, HttpResponseStatus.BAD_REQUEST,
                        "An HTTP/1.1 request must carry exactly one valid Host header.");
                return;
            }
            phase = Phase.BODY;
            if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0) {
                startDeadline(ctx, limits.bodyTimeout(), "The request body was not complete in time.");
            }
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                refuse(ctx, msg, HttpResponseStatus.BAD_REQUEST, message(content.decoderResult().cause()));
                return;
            }
            if (content instanceof LastHttpContent) {
                cancelDeadline();
                phase = Phase.BETWEEN_REQUESTS;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof HttpResponse && !informational) {
            answersBegun++;
        }
        if (msg instanceof LastHttpContent && !informational) {
            answersSent++;
            if (closeAfterAnswer && answersSent == answersBegun) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopWaiting();
    }

    /** Ends the current deadline and, if it was waiting for headers, leaves the half-open count. */
    private void stopWaiting() {
        cancelDeadline();
        if (counted) {
            counted = false;
            awaitingHeaders.decrementAndGet();
        }
    }

    private void startDeadline(ChannelHandlerContext ctx, Duration timeout, String message) {
        cancelDeadline();
        deadline = ctx.executor().schedule(() -> {
            deadline = null;
            refuse(ctx, null, HttpResponseStatus.REQUEST_TIMEOUT, message);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /**
     * Ends the connection over a request that will not be served: answered here when it is the request the client
     * waits an answer to and the door has not begun one, else closed once the answer in progress is sent.
     */
    private void refuse(ChannelHandlerContext ctx, Object msg, HttpResponseStatus status, String message) {
        ReferenceCountUtil.release(msg);
        boolean awaitingHeaders = phase == Phase.HEADERS && msg == null;
        stopWaiting();
        phase = Phase.CLOSING;
        ctx.channel().config().setAutoRead(false);
        long request = awaitingHeaders ? requests + 1 : requests;
        if (answersBegun == request - 1 && answersSent == request - 1) {
            ctx.writeAndFlush(answer(status, message)).addListener(ChannelFutureListener.CLOSE);
        } else if (answersBegun > answersSent) {
            closeAfterAnswer = true;
        } else {
            ctx.close();
        }
    }

    /** RFC 9112 §3.2: an HTTP/1.1 request without a Host, with two, or with an invalid one is answered 400. */
    private static boolean hostValid(HttpRequest request) {
        if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return true;
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        return hosts.size() == 1 && HostAndPort.parseAuthority(hosts.getFirst(), -1) != null;
    }

    private static FullHttpResponse answer(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        return switch (cause) {
            case TooLongHttpLineException e -> HttpResponseStatus.REQUEST_URI_TOO_LONG;
            case TooLongHttpHeaderException e -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }

    private static String message(Throwable cause) {
        return switch (cause) {
            case TooLongHttpLineException e -> "The request line is too long.";
            case TooLongHttpHeaderException e -> "The request header fields are too large.";
            case null -> "The request is malformed.";
            default -> "The request is malformed: " + cause.getMessage();
        };
    }
}
