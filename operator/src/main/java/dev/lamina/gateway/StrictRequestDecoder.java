package dev.lamina.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * The server's HTTP/1.1 request decoder, stricter in one rule and telling when a request begins:
 * <ul>
 * <li>a request with both {@code Content-Length} and {@code Transfer-Encoding: chunked} is marked invalid (RFC 9112
 * §6.1 lets a server reject it; reading it by one header while a proxy in front read it by the other is how requests
 * are smuggled), so {@link GuardedConnection} answers it 400 and closes;</li>
 * <li>the first bytes of each request after the first fire {@link #REQUEST_STARTED}, so that the header deadline of a
 * kept-alive connection starts with its next request, not while it idles between requests.</li>
 * </ul>
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    /** A user event: the first bytes of a connection's next request arrived. */
    static final Object REQUEST_STARTED = new Object() {
        @Override
        public String toString() {
            return "REQUEST_STARTED";
        }
    };

    /** A connection's first request is timed from the connection itself. */
    private boolean betweenRequests;

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (betweenRequests && buffer.isReadable()) {
            betweenRequests = false;
            ctx.fireUserEventTriggered(REQUEST_STARTED);
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof LastHttpContent) {
                betweenRequests = true;
            }
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        message.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(
                "Content-Length and Transfer-Encoding: chunked in one request")));
    }
}
