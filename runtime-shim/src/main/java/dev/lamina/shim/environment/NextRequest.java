package dev.lamina.shim.environment;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/** A runtime's pending {@code GET /runtime/invocation/next}: answered with the next event, or closed. */
public interface NextRequest {

    Channel channel();

    default boolean active() {
        return channel().isActive();
    }

    /** Writes the event to the runtime; the future fails when it could not be sent. */
    ChannelFuture deliver(Invocation invocation);

    default void close() {
        channel().close();
    }
}
