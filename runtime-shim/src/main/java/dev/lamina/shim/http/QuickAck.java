package dev.lamina.shim.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * Acknowledges at once a read that leaves a request unfinished. A client that writes a request in small pieces
 * without TCP_NODELAY (a bash runtime on {@code /dev/tcp}) sends the next piece only once the previous one is
 * acknowledged, and the kernel would delay that acknowledgement by up to 40 ms: twice per invocation. Setting
 * TCP_QUICKACK sends the pending acknowledgement now; the kernel clears the flag again by itself, so it is set per
 * read, and only when the request is incomplete (a whole request is answered, which carries the acknowledgement).
 * Sits after the HTTP decoder; does nothing where the option does not exist (not Linux, not an NIO channel).
 */
final class QuickAck extends ChannelInboundHandlerAdapter {

    private boolean requestOpen;
    private boolean decodedAny;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        decodedAny = true;
        if (msg instanceof HttpRequest) {
            requestOpen = true;
        }
        if (msg instanceof LastHttpContent) {
            requestOpen = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if ((requestOpen || !decodedAny) && ctx.channel() instanceof NioSocketChannel && Support.OPTION != null) {
            ctx.channel().config().setOption(Support.OPTION, Boolean.TRUE);
        }
        decodedAny = false;
        ctx.fireChannelReadComplete();
    }

    /** The option, when this platform's sockets have it (asked once), else null. */
    private static final class Support {
        static final ChannelOption<Boolean> OPTION = probe();

        private static ChannelOption<Boolean> probe() {
            try (SocketChannel probe = SocketChannel.open()) {
                SocketOption<Boolean> quickAck = ExtendedSocketOptions.TCP_QUICKACK;
                return probe.supportedOptions().contains(quickAck) ? NioChannelOption.of(quickAck) : null;
            } catch (IOException | UnsupportedOperationException | LinkageError unavailable) {
                // Not Linux, or a runtime without the jdk.net module.
                return null;
            }
        }
    }
}
