package dev.lamina.shim.http;

import dev.lamina.shim.ShimContract;
import dev.lamina.shim.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Building and sending complete HTTP responses. */
final class Responses {

    static final String JSON = "application/json";

    private Responses() {
    }

    static FullHttpResponse full(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    static ChannelFuture send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body) {
        return ctx.writeAndFlush(full(status, contentType, Unpooled.wrappedBuffer(body)));
    }

    static ChannelFuture json(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body) {
        return send(ctx, status, JSON, body);
    }

    static ChannelFuture text(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body) {
        return send(ctx, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A Runtime API error: {@code {"errorMessage":…,"errorType":…}}. */
    static ChannelFuture apiError(ChannelHandlerContext ctx, HttpResponseStatus status, String message, String type) {
        return json(ctx, status, Json.apiError(message, type));
    }

    /** An Invoke API service error: {@code x-amzn-ErrorType} and {@code {"Type":"User","Message":…}}. */
    static ChannelFuture serviceError(ChannelHandlerContext ctx, HttpResponseStatus status, String code,
                                      String message) {
        FullHttpResponse response = full(status, JSON, Unpooled.wrappedBuffer(Json.serviceError(message, null)));
        response.headers().set(ShimContract.AMZN_ERROR_TYPE, code);
        return ctx.writeAndFlush(response);
    }

    /** A request the decoder could not read: answer 400 and drop the connection, its framing is lost. */
    static void malformed(ChannelHandlerContext ctx, Throwable cause) {
        FullHttpResponse response = full(HttpResponseStatus.BAD_REQUEST, JSON, Unpooled.wrappedBuffer(
                Json.apiError("Malformed HTTP request: " + cause.getMessage(), "InvalidRequest")));
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
