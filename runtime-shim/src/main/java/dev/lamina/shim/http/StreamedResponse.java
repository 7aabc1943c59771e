package dev.lamina.shim.http;

import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.environment.FunctionError;
import dev.lamina.shim.environment.Invocation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A streamed {@code /response}: each chunk goes on to the caller as it arrives, the error trailers go on as trailers.
 * When the caller reads slower than the runtime writes, the runtime's connection stops being read until it catches up.
 */
final class StreamedResponse implements Body {

    private final ChannelHandlerContext ctx;
    private final Environment environment;
    private final Invocation invocation;
    private long size;
    private boolean overflow;

    StreamedResponse(ChannelHandlerContext ctx, Environment environment, Invocation invocation, String contentType) {
        this.ctx = ctx;
        this.environment = environment;
        this.invocation = invocation;
        environment.startStream(invocation, contentType);
    }

    @Override
    public void content(ByteBuf content) {
        size += content.readableBytes();
        if (overflow || !content.isReadable()) {
            return;
        }
        if (size > Environment.MAX_STREAMED_BYTES) {
            overflow = true;
            environment.endStream(invocation, FunctionError.responseTooLarge(Environment.MAX_STREAMED_BYTES));
            return;
        }
        if (!environment.streaming(invocation)) {
            return;
        }
        environment.streamChunk(invocation, content.retain());
        if (!environment.streamWritable(invocation)) {
            ctx.channel().config().setAutoRead(false);
            environment.whenStreamWritable(invocation, () -> ctx.channel().config().setAutoRead(true));
        }
    }

    @Override
    public void end(HttpHeaders trailers) {
        if (overflow) {
            Responses.apiError(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Exceeded maximum allowed streamed payload size (" + Environment.MAX_STREAMED_BYTES + " bytes).",
                    "RequestEntityTooLarge");
        } else if (environment.streaming(invocation)) {
            environment.endStream(invocation, RuntimeApiHandler.trailerError(trailers));
            RuntimeApiHandler.accepted(ctx);
        } else {
            Responses.apiError(ctx, HttpResponseStatus.FORBIDDEN,
                    "Invocation " + invocation.requestId() + " was already answered", "InvalidStateTransition");
        }
    }

    @Override
    public void aborted() {
        environment.endStream(invocation, FunctionError.truncated(invocation.requestId()));
    }
}
