package dev.lamina.shim.telemetry;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Posts one batch of telemetry to a subscriber's listener over HTTP/1.1, on the shim's event loop, one connection per
 * batch. {@code done} runs once, on the loop, whatever happened: a listener that does not answer within the limit
 * loses the batch, as one that refuses it does.
 */
final class BatchPoster {

    private static final int ANSWER_LIMIT_SECONDS = 5;

    private BatchPoster() {
    }

    static void post(EventLoop loop, Destination destination, byte[] batch, Runnable done) {
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public void run() {
                if (!ran) {
                    ran = true;
                    done.run();
                }
            }
        };
        new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ANSWER_LIMIT_SECONDS * 1000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec()).addLast(
                                new SimpleChannelInboundHandler<HttpObject>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject answer) {
                                        if (answer instanceof LastHttpContent) {
                                            ctx.close();
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                        channel.closeFuture().addListener(closed -> once.run());
                    }
                })
                .connect(destination.host(), destination.port())
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        once.run();
                        return;
                    }
                    Channel channel = connected.channel();
                    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                            destination.path(), Unpooled.wrappedBuffer(batch));
                    request.headers().set(HttpHeaderNames.HOST, destination.hostHeader())
                            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, batch.length)
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    channel.writeAndFlush(request);
                    ScheduledFuture<?> limit = loop.schedule(() -> channel.close(), ANSWER_LIMIT_SECONDS,
                            TimeUnit.SECONDS);
                    channel.closeFuture().addListener(closed -> limit.cancel(false));
                });
    }
}
