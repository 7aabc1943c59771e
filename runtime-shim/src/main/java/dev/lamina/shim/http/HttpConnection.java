package dev.lamina.shim.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection: routes each request to a {@link Body} and feeds it the content as it arrives, with the
 * chunked trailers at the end. Requests the decoder cannot read get 400 and the connection is closed.
 */
abstract class HttpConnection extends ChannelInboundHandlerAdapter {

    private Body body;

    /** A request's head arrived: decide what to do with its body (and answer when it ends). */
    protected abstract Body onRequest(ChannelHandlerContext ctx, HttpRequest request);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                if (request.decoderResult().isFailure()) {
                    body = null;
                    Responses.malformed(ctx, request.decoderResult().cause());
                    return;
                }
                body = onRequest(ctx, request);
            }
            if (msg instanceof HttpContent content && body != null) {
                if (content.decoderResult().isFailure()) {
                    Body broken = body;
                    body = null;
                    broken.aborted();
                    Responses.malformed(ctx, content.decoderResult().cause());
                    return;
                }
                body.content(content.content());
                if (content instanceof LastHttpContent last) {
                    Body complete = body;
                    body = null;
                    complete.end(last.trailingHeaders());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (body != null) {
            Body broken = body;
            body = null;
            broken.aborted();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset connection or a bug in one exchange: drop this connection, never the server.
        ctx.close();
    }
}
